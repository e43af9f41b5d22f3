/**
 * Where `pkg` gets packages from, and why it believes them (docs/packages.md §4, §5): the
 * repositories listed in /etc/pkg/repos.toml, each with the path of the public key the system
 * trusts for it. An index is read and verified with that key (never with a key an archive or
 * index carries); an archive is checked against the verified index (size and SHA-256) and then
 * verified whole by readPackage before anyone may write a byte of it. Every failure is a
 * PkgError with a message for the user.
 */
import { parse, TomlError } from 'smol-toml';
import { SysError, readFile, readTextFile, strerror } from '../../libc/index.ts';
import { PackageError, fromHex, matchesIndex, readIndex, readPackage, type IndexEntry, type PackageEntry } from '../../cookbook/package.ts';

export const REPOS_CONFIG = '/etc/pkg/repos.toml';

/** A failure to report to the user as `pkg: MESSAGE`, with the exit status. */
export class PkgError extends Error {
  constructor(
    message: string,
    readonly status = 1,
  ) {
    super(message);
    this.name = 'PkgError';
  }
}

export interface Repository {
  name: string;
  /** A folder path (`/scheme/repo`); remote URLs come with the network stack. */
  url: string;
  trustedKey: Uint8Array;
}

/** A package as a repository offers it. */
export interface Offer {
  entry: IndexEntry;
  repo: Repository;
}

/** Reads a file for pkg, turning an errno into a message that names the file. */
export function readOrFail(path: string, what: string): Uint8Array {
  try {
    return readFile(path);
  } catch (error) {
    if (error instanceof SysError) throw new PkgError(`cannot read ${what} ${path}: ${strerror(error.errno)}`);
    throw error;
  }
}

function parseToml(path: string, text: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) throw new PkgError(`${path}: not valid TOML: ${error.message.split('\n')[0]}`);
    throw error;
  }
}

/** The public key in a `public_key = "64 hex digits"` file (docs/packages.md §1). */
export function readTrustedKey(path: string): Uint8Array {
  const doc = parseToml(path, new TextDecoder().decode(readOrFail(path, 'trusted key')));
  const hex = doc['public_key'];
  if (typeof hex !== 'string' || !/^[0-9a-f]{64}$/.test(hex)) throw new PkgError(`${path}: public_key must be 64 lowercase hex digits`);
  return fromHex(hex);
}

/** The repositories of /etc/pkg/repos.toml, in name order. */
export function readRepositories(configPath = REPOS_CONFIG): Repository[] {
  let text: string;
  try {
    text = readTextFile(configPath);
  } catch (error) {
    if (error instanceof SysError) throw new PkgError(`no repositories configured: cannot read ${configPath}: ${strerror(error.errno)}`);
    throw error;
  }
  const repos = parseToml(configPath, text)['repos'];
  if (typeof repos !== 'object' || repos === null || Array.isArray(repos)) throw new PkgError(`${configPath}: expected [repos.NAME] tables`);
  const out: Repository[] = [];
  for (const [name, value] of Object.entries(repos as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const table = value as Record<string, unknown>;
    const url = table['url'];
    const key = table['key'];
    if (typeof url !== 'string' || url === '') throw new PkgError(`${configPath}: repos.${name}.url must be a path such as "/scheme/repo"`);
    if (typeof key !== 'string' || key === '') throw new PkgError(`${configPath}: repos.${name}.key must be the path of a trusted public key`);
    out.push({ name, url: url.replace(/\/+$/, ''), trustedKey: readTrustedKey(key) });
  }
  if (out.length === 0) throw new PkgError(`${configPath} lists no repositories`);
  return out;
}

function repoFile(repo: Repository, file: string): Uint8Array {
  if (/^[a-z]+:\/\//.test(repo.url)) throw new PkgError(`repository ${repo.name}: ${repo.url} is remote; remote repositories need the network stack (not built yet)`);
  return readOrFail(`${repo.url}/${file}`, `repository ${repo.name}'s`);
}

/** Every package the repositories offer, verified; where two offer a name, the first repository's wins. */
export function readOffers(repos: readonly Repository[]): Map<string, Offer> {
  const offers = new Map<string, Offer>();
  for (const repo of repos) {
    let entries: IndexEntry[];
    try {
      entries = readIndex(repoFile(repo, 'repo.idx'), repo.trustedKey).packages;
    } catch (error) {
      if (error instanceof PackageError) throw new PkgError(`repository ${repo.name} refused: ${error.message}`);
      throw error;
    }
    for (const entry of entries) if (!offers.has(entry.name)) offers.set(entry.name, { entry, repo });
  }
  return offers;
}

/** A package fetched and verified whole: safe to install. */
export interface VerifiedPackage {
  offer: Offer;
  entries: PackageEntry[];
}

/** Fetches an archive and verifies it against the signed index and then itself; writes nothing. */
export function fetchVerified(offer: Offer): VerifiedPackage {
  const { entry, repo } = offer;
  const file = `${entry.name}.pkgar`;
  const bytes = repoFile(repo, file);
  if (!matchesIndex(bytes, entry)) throw new PkgError(`${file} refused: its size or SHA-256 differs from the signed index of repository ${repo.name} (altered or corrupt)`);
  try {
    return { offer, entries: readPackage(bytes, repo.trustedKey, file) };
  } catch (error) {
    if (error instanceof PackageError) throw new PkgError(`${error.message}: refused`);
    throw error;
  }
}

/**
 * Orders two versions (negative: `a` is older), like semver: the release part (before the first
 * `-`) is compared component by component from the left, dotted components as numbers where
 * both are digits, else as strings (code-point order); where one runs out first and the rest
 * were equal, the shorter is older (1.0 < 1.0.1). Equal releases: one with a prerelease suffix
 * (`2.0-rc1`) is older than one without (`2.0`), and two suffixes are compared the same way,
 * their dotted identifiers as numbers where both are digits. docs/packages.md §4 (*Versions*).
 */
export function compareVersions(a: string, b: string): number {
  const [releaseA, preA] = splitPrerelease(a);
  const [releaseB, preB] = splitPrerelease(b);
  const byRelease = compareDotted(releaseA, releaseB);
  if (byRelease !== 0 || preA === preB) return byRelease;
  if (preA === null) return 1;
  if (preB === null) return -1;
  return compareDotted(preA, preB);
}

/** `2.0-rc1` as `['2.0', 'rc1']`; `2.0` as `['2.0', null]`. */
function splitPrerelease(version: string): [string, string | null] {
  const dash = version.indexOf('-');
  return dash < 0 ? [version, null] : [version.slice(0, dash), version.slice(dash + 1)];
}

function compareDotted(a: string, b: string): number {
  const left = a.split('.');
  const right = b.split('.');
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const [x, y] = [left[i]!, right[i]!];
    const order = /^\d+$/.test(x) && /^\d+$/.test(y) ? compareDigits(x, y) : x < y ? -1 : x > y ? 1 : 0;
    if (order !== 0) return order;
  }
  return Math.sign(left.length - right.length);
}

/**
 * Orders two runs of digits by their value without converting them to numbers, which would give
 * NaN or Infinity for hundreds of digits and lose precision above 2^53: without leading zeros,
 * the longer is larger, and equal lengths compare like strings.
 */
function compareDigits(x: string, y: string): number {
  const [m, n] = [x.replace(/^0+(?=\d)/, ''), y.replace(/^0+(?=\d)/, '')];
  if (m.length !== n.length) return Math.sign(m.length - n.length);
  return m < n ? -1 : m > n ? 1 : 0;
}
