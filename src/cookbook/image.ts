/**
 * `redox image`: turns an image configuration (config.ts) into a bootable disk, as Redox's
 * Makefile turns a filesystem config into harddrive.img. On the host.
 *
 * 1. Load the configuration, following `include`, and check it (ConfigError on anything wrong).
 * 2. Read the repository index and verify it with the build's public key; resolve the
 *    configured packages with their runtime dependencies. An image holds exactly its
 *    configuration's packages: a dependency the configuration does not list is an error.
 * 3. Check each archive against the signed index and verify it whole (`readPackage`); its
 *    files, an install record per package (/var/lib/pkg/NAME.toml), the trusted key and
 *    /etc/pkg/repos.toml, the accounts and the configuration's [[files]] make the tree. Two
 *    sources writing the same path is an error, never a silent overwrite.
 * 4. Write the tree as a fresh RedoxFS volume (build/NAME/harddrive.img) and, if asked, the same
 *    tree as an initfs archive (a live image whose root is a RAM copy).
 *
 * An output (the disk, the live archive) whose inputs (configuration, the index entries of the
 * packages it installs, key) are unchanged is not written again while it exists
 * (build/NAME/image.json records the inputs of each output, as soon as that output is written, so
 * a later failure keeps what was recorded; cooking a package the image does not hold changes none
 * of them, and asking for a live archive too writes only the archive): what a
 * booted system wrote to its disk is the user's, as with Redox's `make`, and only `redox image
 * --force` or `redox rebuild` start it afresh. An encrypted one is always rebuilt (its password
 * is not recorded).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { KdfParams } from '../redoxfs/crypto.ts';
import { lockDestination, writeFileTree, type DiskFile } from '../host/node/disk_image.ts';
import { buildInitfs, parseInitfs, type InitfsFile } from '../syscall/initfs.ts';
import { hashPassword } from '../userland/lib/accounts.ts';
import { sha256Hex } from './cache.ts';
import { accountFiles, checkConfig, ConfigError, DEFAULT_SIZE_MIB, mergeConfigs, parseConfig, resolveId, type ImageConfig } from './config.ts';
import { cook, layoutFor, openCookbook, type CookOptions, type CookReport, type Layout } from './cook.ts';
import { recipePlaceFor } from './graph.ts';
import type { Recipe } from './recipe.ts';
import { encodeInstallRecord, installRecordOf, installRecordPath } from './installed.ts';
import { readPublicKey, PUBLIC_KEY_FILE } from './keys.ts';
import { matchesIndex, PackageError, readIndex, readPackage, toHex, type IndexEntry } from './package.ts';
import { INDEX_FILE } from './repo.ts';
import { packageFiles, resolveInstall } from './resolve.ts';
import { INITFS_PATH } from './templates/initfs.ts';
import { findProjectRoot } from './templates/esbuild.ts';

/** Bumped whenever the same inputs would give a different image. */
const IMAGE_FORMAT = 1;
export const TRUSTED_KEY_PATH = 'etc/pkg/trusted/local.pub.toml';
export const REPOS_PATH = 'etc/pkg/repos.toml';
/** Where `pkg` finds the host's repository inside the OS (the repo device channel, docs/packages.md §5). */
export const LOCAL_REPO_URL = '/scheme/repo';

/** The configuration file a `redox build|image|rebuild` argument names: a path, or NAME for ROOT/config/NAME.toml. */
export function configFile(arg: string | undefined, root = findProjectRoot()): string {
  const name = arg ?? 'base';
  return name.includes('/') || name.endsWith('.toml') ? resolve(name) : join(root, 'config', `${name}.toml`);
}

/** The image's name: its configuration's file name without .toml (build/NAME/harddrive.img). */
export function imageName(file: string): string {
  return basename(file, '.toml');
}

export function imageDir(layout: Layout, file: string): string {
  return join(layout.buildDir, imageName(file));
}

function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === '' || rel.startsWith('..') ? file : rel;
}

/** Reads a configuration and everything it includes (merged, includer last) and checks the whole. */
export function loadConfig(file: string): ImageConfig {
  const load = (path: string, chain: string[]): ImageConfig => {
    if (!existsSync(path)) {
      throw chain.length === 0
        ? new ConfigError(shown(path), '(file)', 'no such configuration file')
        : new ConfigError(shown(chain.at(-1)!), 'include', `${JSON.stringify(relative(dirname(chain.at(-1)!), path))} does not exist (${path})`);
    }
    if (chain.includes(path)) throw new ConfigError(shown(path), 'include', `an include cycle: ${[...chain, path].map(shown).join(' -> ')}`);
    const own = parseConfig(readFileSync(path, 'utf8'), shown(path));
    let merged: ImageConfig | null = null;
    for (const inc of own.include) {
      const base = load(resolve(dirname(path), inc), [...chain, path]);
      merged = merged ? mergeConfigs(merged, base) : base;
    }
    return merged ? mergeConfigs(merged, own) : own;
  };
  const config = load(resolve(file), []);
  checkConfig(config);
  return config;
}

/**
 * Checks the configuration's [packages] against the recipes, before anything is cooked: each
 * has a recipe, a pinned version is the recipe's, and every runtime dependency (the recipes'
 * [package] dependencies, transitively) is listed too, as assembling will demand.
 */
export function checkConfigRecipes(config: ImageConfig, recipes: ReadonlyMap<string, Recipe>, recipesDir: string): void {
  const names = Object.keys(config.packages).sort();
  for (const name of names) {
    const recipe = recipes.get(name);
    if (!recipe) throw new ConfigError(config.file, `[packages] ${name}`, `no recipe named ${JSON.stringify(name)} (looked for ${recipePlaceFor(name, recipesDir)}); check the name`);
    const version = config.packages[name]!;
    if (version !== '*' && version !== recipe.package.version) throw new ConfigError(config.file, `[packages] ${name}`, `wants version ${version}, but its recipe (${shown(recipe.file)}) makes ${recipe.package.version}`);
  }
  for (const name of names) {
    for (const dep of recipes.get(name)!.package.dependencies) {
      if (!(dep in config.packages)) throw new ConfigError(config.file, '[packages]', `${name} depends on ${dep}, which the configuration does not list; add ${dep} = "*" (an image holds exactly the packages its configuration lists)`);
    }
  }
}

/** Cooks every package the configuration names (and their build and runtime dependencies), after checking them against the recipes. */
export async function cookConfig(config: ImageConfig, options: CookOptions): Promise<CookReport> {
  const book = openCookbook(options);
  checkConfigRecipes(config, book.recipes, book.recipesDir);
  return cook(Object.keys(config.packages).sort(), options);
}

/** Refuses an encrypted configuration without a password, and a password for an unencrypted one. */
export function checkPassword(config: ImageConfig, password: string | undefined): void {
  const encrypt = config.general.encrypt ?? false;
  if (encrypt && password === undefined) throw new ConfigError(config.file, '[general] encrypt', 'the image is to be encrypted but no password was given (--password-file FILE or $REDOXFS_PASSWORD)');
  if (!encrypt && password !== undefined) throw new ConfigError(config.file, '[general] encrypt', 'a password was given but the configuration does not set encrypt = true');
}

export interface ImageOptions {
  root?: string;
  buildDir?: string;
  /** Where the disk goes (default BUILD/NAME/harddrive.img). */
  output?: string;
  /** Also write the tree as an initfs archive here (a live image: the root is a RAM copy). */
  live?: string;
  /** The password of an encrypted configuration. */
  password?: string;
  /** Argon2id cost of the disk key (tests use a cheap one). */
  kdf?: KdfParams;
  /** Write even if the stamp says nothing changed. */
  force?: boolean;
  /** Progress, one line per step. */
  onStep?: (text: string) => void;
}

export interface ImageReport {
  disk: string;
  live: string | null;
  packages: IndexEntry[];
  /** Entries (files, folders, symlinks) written. */
  entries: number;
  /** Every output was up to date and left as it was. */
  upToDate: boolean;
  /** The outputs written this time (the others were up to date). */
  written: string[];
  ms: number;
}

interface TreeEntry extends DiskFile {
  /** Who put it there: a package name, or a description of the configuration's part. */
  from: string;
}

/** The tree being assembled; a path claimed twice (other than the same folder) is an error. */
class Tree {
  readonly entries = new Map<string, TreeEntry>();

  constructor(private readonly config: ImageConfig) {}

  add(entry: TreeEntry, field: string): void {
    const parts = entry.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/');
      const existing = this.entries.get(folder);
      if (existing && existing.kind !== 'dir') throw this.clash(field, entry, `/${folder} is a file installed by ${existing.from}`);
      if (!existing) this.entries.set(folder, { path: folder, kind: 'dir', mode: 0o755, from: entry.from });
    }
    const existing = this.entries.get(entry.path);
    if (existing && !(existing.kind === 'dir' && entry.kind === 'dir')) throw this.clash(field, entry, `it is already installed by ${existing.from}`);
    // A folder named twice keeps the first's mode unless the configuration names it (its say is final).
    if (!existing || entry.from.startsWith('[[files]]')) this.entries.set(entry.path, entry);
  }

  /** `field` says where the writer comes from; `entry.from` names it too when that is not the field itself (a package). */
  private clash(field: string, entry: TreeEntry, why: string): ConfigError {
    return new ConfigError(this.config.file, field, `${entry.from === field ? '' : `${entry.from} `}cannot write /${entry.path}: ${why}`);
  }

  /** Every entry, each folder before what it holds. */
  sorted(): TreeEntry[] {
    return [...this.entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}

interface Repository {
  key: Uint8Array;
  /** The signed index as read (the older single-key stamps hashed it whole). */
  indexBytes: Uint8Array;
  packages: IndexEntry[];
}

/** The verified index and the configured packages resolved from it (exactly the configuration's). */
function resolvePackages(config: ImageConfig, layout: Layout): Repository {
  const keyFile = join(layout.buildDir, PUBLIC_KEY_FILE);
  const indexFile = join(layout.repo, INDEX_FILE);
  if (!existsSync(keyFile) || !existsSync(indexFile)) throw new Error(`no repository in ${shown(layout.buildDir)} (${existsSync(keyFile) ? shown(indexFile) : shown(keyFile)} is missing); run \`redox build\` first`);
  const key = readPublicKey(layout.buildDir);
  const indexBytes = readFileSync(indexFile);
  const index = readIndex(indexBytes, key);
  const wanted = Object.keys(config.packages);
  let packages: IndexEntry[];
  try {
    packages = resolveInstall(index, wanted);
  } catch (err) {
    if (err instanceof PackageError) throw new ConfigError(config.file, '[packages]', `${err.message} (run \`redox build\` to cook it, or check its name)`);
    throw err;
  }
  for (const pkg of packages) {
    if (!(pkg.name in config.packages)) {
      const wantedBy = packages.find((p) => p.dependencies.includes(pkg.name))!.name;
      throw new ConfigError(config.file, '[packages]', `${wantedBy} depends on ${pkg.name}, which the configuration does not list; add ${pkg.name} = "*" (an image holds exactly the packages its configuration lists)`);
    }
    const version = config.packages[pkg.name]!;
    if (version !== '*' && version !== pkg.version) throw new ConfigError(config.file, `[packages] ${pkg.name}`, `wants version ${version}, but the repository has ${pkg.version}`);
  }
  return { key, indexBytes, packages };
}

function installPackages(tree: Tree, repo: Repository, layout: Layout): void {
  const encoder = new TextEncoder();
  for (const pkg of repo.packages) {
    const file = join(layout.repo, `${pkg.name}.pkgar`);
    if (!existsSync(file)) throw new Error(`${shown(file)} is missing though the index lists it; run \`redox build\``);
    const bytes = readFileSync(file);
    if (!matchesIndex(bytes, pkg)) throw new PackageError(`${shown(file)} does not match the signed index (size or SHA-256 differ); run \`redox build\``);
    const entries = readPackage(bytes, repo.key, `${pkg.name}.pkgar`);
    const from = `package ${pkg.name}`;
    for (const f of packageFiles(entries)) tree.add({ ...f, from }, '[packages]');
    tree.add({ path: installRecordPath(pkg.name), kind: 'file', mode: 0o644, data: encoder.encode(encodeInstallRecord(installRecordOf(pkg, entries))), from: 'the package records' }, '[packages]');
  }
}

function addConfigured(tree: Tree, config: ImageConfig, key: Uint8Array): void {
  const encoder = new TextEncoder();
  const generated = (path: string, text: string, mode: number, from: string): void =>
    tree.add({ path, kind: 'file', mode, data: encoder.encode(text), from }, from);
  generated(TRUSTED_KEY_PATH, `# The key this system trusts packages from (the build's repository key).\npublic_key = "${toHex(key)}"\n`, 0o644, 'the trusted key');
  generated(REPOS_PATH, `# Repositories pkg installs from (docs/packages.md).\n[repos.local]\nurl = "${LOCAL_REPO_URL}"\nkey = "/${TRUSTED_KEY_PATH}"\n`, 0o644, 'the repository list');
  const users = Object.values(config.users);
  if (users.length > 0) {
    const accounts = accountFiles(config, (password) => hashPassword(password, randomBytes(16)));
    generated('etc/passwd', accounts.passwd, 0o644, '[users]');
    generated('etc/group', accounts.group, 0o644, '[users]');
    generated('etc/shadow', accounts.shadow, 0o600, '[users]');
    for (const user of users) {
      const home = user.home.slice(1);
      const from = `[users.${user.name}] home`;
      if (user.uid !== 0 && !tree.entries.has(home)) tree.add({ path: home, kind: 'dir', mode: 0o700, uid: user.uid, gid: user.gid, from }, from);
    }
  }
  for (const file of config.files) {
    const owner = { uid: resolveId(config, file, 'owner'), gid: resolveId(config, file, 'group') };
    const from = file.field;
    if (file.kind === 'file') tree.add({ path: file.path, kind: 'file', mode: file.mode, data: encoder.encode(file.contents!), ...owner, from }, from);
    else if (file.kind === 'symlink') tree.add({ path: file.path, kind: 'symlink', mode: 0o777, target: file.target!, ...owner, from }, from);
    else tree.add({ path: file.path, kind: 'dir', mode: file.mode, ...owner, from }, from);
  }
}

/** The whole tree as one initfs archive: a live image. The boot archive's own entries (init.d) are laid in where the disk lacks them. */
function liveArchive(files: readonly TreeEntry[]): Uint8Array {
  const boot = files.find((f) => f.path === INITFS_PATH)!;
  const initfs = parseInitfs(boot.data!);
  const paths = new Set(files.map((f) => f.path));
  const extra: InitfsFile[] = [...initfs.entries.values()].filter((e) => !paths.has(e.path)).map((e) => ({
    path: e.path, kind: e.kind, mode: e.mode, data: initfs.data.subarray(e.offset, e.offset + e.size), ...(e.target !== undefined ? { target: e.target } : {}),
  }));
  const all = [...files.filter((f) => f !== boot), ...extra].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return buildInitfs(all, Date.now());
}

/** What each output was last written from: output path -> hash of its inputs. */
interface Stamp {
  outputs: Record<string, string>;
  /**
   * The `key` of a stamp in the form older builds wrote (`{"key": ...}`, one hash over the
   * configuration, the whole signed index, the key and the list of outputs, written after all of
   * them); `legacyOutputs` interprets it. Null for the current form.
   */
  legacyKey: string | null;
}

/** The stamp, or an empty one if it is missing or unreadable (its outputs are then written again). */
function readStamp(path: string): Stamp {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null) {
      const outputs = 'outputs' in parsed ? parsed.outputs : null;
      if (typeof outputs === 'object' && outputs !== null && Object.values(outputs).every((v) => typeof v === 'string')) return { outputs: outputs as Record<string, string>, legacyKey: null };
      const key = 'key' in parsed ? parsed.key : null;
      if (typeof key === 'string' && /^[0-9a-f]{64}$/.test(key)) return { outputs: {}, legacyKey: key };
    }
  } catch {
    // Treated as no stamp: every output is written.
  }
  return { outputs: {}, legacyKey: null };
}

function writeStamp(path: string, outputs: Record<string, string>): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify({ outputs } satisfies Pick<Stamp, 'outputs'>, null, 1)}\n`);
}

/**
 * The outputs an older single-key stamp proves were written from exactly these inputs: its key is
 * recomputed, as the older builds computed it, for the disk alone and for the disk with each live
 * archive it may have named (this run's, and the `dist/initfs.img` of `npm run build`). A match
 * means the same configuration, index and key; no match (a different index, an unknown archive)
 * proves nothing and the outputs are written again, as before.
 */
function legacyOutputs(legacyKey: string, config: ImageConfig, repo: Repository, disk: string, lives: readonly string[]): string[] {
  const keyOf = (outputs: string[]): string => sha256Hex(JSON.stringify([IMAGE_FORMAT, config, sha256Hex(repo.indexBytes), toHex(repo.key), outputs]));
  const candidates = [[disk], ...[...new Set(lives)].filter((live) => live !== disk).map((live) => [disk, live])];
  return candidates.find((outputs) => keyOf(outputs) === legacyKey) ?? [];
}

/** Where `npm run build` writes its live archive (a candidate output of an older stamp). */
function defaultLive(options: ImageOptions): string | null {
  try {
    return join(options.root ?? findProjectRoot(), 'dist', 'initfs.img');
  } catch {
    return null;
  }
}

/**
 * Assembles the image of `config` from the packages already in the repository (cook first:
 * `cookConfig`). Throws ConfigError, PackageError or Error with a message for the user.
 */
export function assembleImage(config: ImageConfig, options: ImageOptions = {}): ImageReport {
  const started = performance.now();
  const step = options.onStep ?? ((): void => undefined);
  const layout = layoutFor(options);
  const disk = options.output ?? join(layout.buildDir, imageName(config.file), 'harddrive.img');
  const live = options.live ?? null;
  const encrypt = config.general.encrypt ?? false;
  checkPassword(config, options.password);
  const repo = resolvePackages(config, layout);
  step(`${repo.packages.length} packages: ${repo.packages.map((p) => p.name).join(', ')}`);

  const stampFile = join(dirname(disk), 'image.json');
  // Only what this image installs: the whole index changes whenever any recipe is cooked.
  const installed = repo.packages.map((p) => [p.name, p.version, p.sha256, p.dependencies]);
  const inputsOf = (output: string): string => sha256Hex(JSON.stringify([IMAGE_FORMAT, config, installed, toHex(repo.key), output, output === disk ? 'disk' : 'live']));
  const stamp = readStamp(stampFile);
  const recorded = { ...stamp.outputs };
  if (stamp.legacyKey !== null) {
    // Read in the current form from now on, so that cooking a package the image does not hold
    // (which changes the whole index the older key hashed) keeps what it proved.
    for (const path of legacyOutputs(stamp.legacyKey, config, repo, disk, [...(live ? [live] : []), ...(defaultLive(options) ?? [])])) recorded[path] = inputsOf(path);
    writeStamp(stampFile, recorded);
  }
  const stale = [disk, ...(live ? [live] : [])].filter((path) => options.force || encrypt || recorded[path] !== inputsOf(path) || !existsSync(path));
  if (stale.length === 0) {
    return { disk, live, packages: repo.packages, entries: 0, upToDate: true, written: [], ms: Math.round(performance.now() - started) };
  }

  // The disk's lock (the one a running machine holds) before any work: refused at once when a
  // machine runs on it, and held until the new disk is renamed into place and recorded.
  let unlock = (): void => undefined;
  if (stale.includes(disk)) {
    mkdirSync(dirname(disk), { recursive: true });
    unlock = lockDestination(disk);
  }
  try {
    return writeOutputs();
  } finally {
    unlock();
  }

  function writeOutputs(): ImageReport {
    const tree = new Tree(config);
    installPackages(tree, repo, layout);
    addConfigured(tree, config, repo.key);
    if (!tree.entries.has(INITFS_PATH)) throw new ConfigError(config.file, '[packages]', `no package installs /${INITFS_PATH}, so the image cannot boot; add initfs (and kernel, init) to [packages]`);
    const files = tree.sorted();
    const sizeMiB = config.general.size ?? DEFAULT_SIZE_MIB;
    if (stale.includes(disk)) {
      step(`writing ${shown(disk)} (${files.length} entries, ${sizeMiB} MiB${encrypt ? ', encrypted' : ''})`);
      mkdirSync(dirname(disk), { recursive: true });
      writeFileTree(disk, files, { sizeBytes: sizeMiB * 1024 * 1024, locked: true, ...(options.password !== undefined ? { password: options.password } : {}), ...(options.kdf ? { kdf: options.kdf } : {}) });
      // Recorded now: if the live archive fails below, the next run must not write the disk again.
      recorded[disk] = inputsOf(disk);
      writeStamp(stampFile, recorded);
    }
    if (live && stale.includes(live)) {
      step(`writing ${shown(live)} (the same tree as a live initfs archive)`);
      mkdirSync(dirname(live), { recursive: true });
      // Through a temporary file, as the disk: a failure leaves the previous archive (and its record) whole.
      const temporary = `${live}.partial`;
      try {
        writeFileSync(temporary, liveArchive(files));
        renameSync(temporary, live);
      } catch (err) {
        rmSync(temporary, { force: true });
        throw err;
      }
      recorded[live] = inputsOf(live);
      writeStamp(stampFile, recorded);
    }
    return { disk, live, packages: repo.packages, entries: files.length, upToDate: false, written: stale, ms: Math.round(performance.now() - started) };
  }
}
