/**
 * Package archives and the repository index, modelled on Redox's pkgar: a header signed with
 * ed25519 that lists every file with its SHA-256, mode and path, followed by the files' bytes;
 * and a signed index of the repository's packages. Byte layouts: docs/packages.md.
 *
 * Portable: no node:* imports (Uint8Array in, Uint8Array out), so the in-OS `pkg` client can
 * verify with the same code the host signs with. Reading verifies everything before returning
 * anything: the magic, the key (must be the trusted one), the signature, every path, every
 * range, every file hash. Any failure is a `PackageError`.
 */
import * as ed from '@noble/ed25519';
import { sha256, sha512 } from '@noble/hashes/sha2.js';

ed.hashes.sha512 = sha512;

export const PACKAGE_MAGIC = 'RDXPKGAR';
export const INDEX_MAGIC = 'RDXREPOI';
export const FORMAT_VERSION = 1;
export const HEADER_SIZE = 112;
export const ENTRY_SIZE = 312;
export const PATH_MAX = 256;
/** Bytes 0..SIGNED_FROM are the magic and the signature; the signature covers the rest of the header and the entry table. */
export const SIGNED_FROM = 72;

/** A recipe's, and so a package's, name: lowercase letters, digits, . _ + -, not starting with a sign. */
export const PACKAGE_NAME = /^[a-z0-9][a-z0-9._+-]*$/;

export const S_IFMT = 0o170000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;

export class PackageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackageError';
  }
}

export interface KeyPair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

export function generateKeyPair(): KeyPair {
  const { secretKey, publicKey } = ed.keygen();
  return { secretKey, publicKey };
}

export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  return ed.getPublicKey(secretKey);
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(hex: string): Uint8Array {
  if (!/^([0-9a-f]{2})*$/.test(hex)) throw new PackageError(`not a hex string: ${hex.slice(0, 16)}...`);
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
}

export function sha256Of(data: Uint8Array): Uint8Array {
  return sha256(data);
}

/** One file of a package: `path` relative (no leading /), `mode` with its type bits; a symlink's data is its target. */
export interface PackageFile {
  path: string;
  mode: number;
  data: Uint8Array;
}

export interface PackageEntry extends PackageFile {
  sha256: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** A package path: relative, `/`-separated, no empty, `.` or `..` component, no NUL, at most 256 bytes. */
export function checkPath(path: string): string | null {
  if (path === '' || path.startsWith('/')) return 'must be relative and not empty';
  if (encoder.encode(path).length > PATH_MAX) return `is longer than ${PATH_MAX} bytes`;
  if (path.includes('\0')) return 'contains NUL';
  if (path.split('/').some((c) => c === '' || c === '.' || c === '..')) return 'has an empty, "." or ".." component';
  return null;
}

/** A path that is also a parent folder of another path ("a" and "a/b"), or null. */
export function fileFolderClash(paths: readonly string[]): string | null {
  const folders = new Set<string>();
  for (const path of paths) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  return paths.find((p) => folders.has(p)) ?? null;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function writeMagic(out: Uint8Array, magic: string): void {
  out.set(encoder.encode(magic), 0);
}

function hasMagic(bytes: Uint8Array, magic: string): boolean {
  return bytes.length >= 8 && equalBytes(bytes.subarray(0, 8), encoder.encode(magic));
}

/** Builds a signed archive of `files` (sorted by path; duplicate or bad paths refused). */
export function createPackage(files: readonly PackageFile[], secretKey: Uint8Array): Uint8Array {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  sorted.forEach((f, i) => {
    const bad = checkPath(f.path);
    if (bad) throw new PackageError(`package path ${JSON.stringify(f.path)} ${bad}`);
    if (i > 0 && sorted[i - 1]!.path === f.path) throw new PackageError(`package path ${JSON.stringify(f.path)} appears twice`);
    const type = f.mode & S_IFMT;
    if (type !== S_IFREG && type !== S_IFLNK) throw new PackageError(`package file ${f.path}: mode ${f.mode.toString(8)} is neither a regular file nor a symlink`);
  });
  const clash = fileFolderClash(sorted.map((f) => f.path));
  if (clash !== null) throw new PackageError(`package path ${JSON.stringify(clash)} is both a file and the folder of another file`);
  const tableEnd = HEADER_SIZE + sorted.length * ENTRY_SIZE;
  const dataSize = sorted.reduce((n, f) => n + f.data.length, 0);
  const out = new Uint8Array(tableEnd + dataSize);
  const view = new DataView(out.buffer);
  writeMagic(out, PACKAGE_MAGIC);
  out.set(publicKeyOf(secretKey), 72);
  view.setUint32(104, FORMAT_VERSION, true);
  view.setUint32(108, sorted.length, true);
  let offset = 0;
  sorted.forEach((f, i) => {
    const at = HEADER_SIZE + i * ENTRY_SIZE;
    const path = encoder.encode(f.path);
    out.set(sha256(f.data), at);
    view.setBigUint64(at + 32, BigInt(offset), true);
    view.setBigUint64(at + 40, BigInt(f.data.length), true);
    view.setUint32(at + 48, f.mode >>> 0, true);
    view.setUint16(at + 52, path.length, true);
    out.set(path, at + 56);
    out.set(f.data, tableEnd + offset);
    offset += f.data.length;
  });
  out.set(ed.sign(out.subarray(SIGNED_FROM, tableEnd), secretKey), 8);
  return out;
}

/** The public key a package or index says it is signed with (unverified). */
export function signerOf(bytes: Uint8Array): Uint8Array {
  if (bytes.length < HEADER_SIZE) throw new PackageError(`too short (${bytes.length} bytes) to hold a header`);
  return bytes.slice(72, 104);
}

function checkSignature(bytes: Uint8Array, end: number, trustedKey: Uint8Array, what: string): void {
  const signer = bytes.subarray(72, 104);
  if (!equalBytes(signer, trustedKey)) {
    throw new PackageError(`${what} is signed by key ${toHex(signer).slice(0, 16)}..., not by the trusted key ${toHex(trustedKey).slice(0, 16)}...`);
  }
  let ok = false;
  try {
    ok = ed.verify(bytes.subarray(8, 72), bytes.subarray(SIGNED_FROM, end), trustedKey);
  } catch {
    ok = false;
  }
  if (!ok) throw new PackageError(`${what}: the signature does not match its header (altered or corrupt)`);
}

/**
 * Verifies and reads a package: refused unless it is signed by `trustedKey`, its header and
 * entry table are intact, and every file's bytes match their hash. Returns the files in order.
 */
export function readPackage(bytes: Uint8Array, trustedKey: Uint8Array, name = 'package'): PackageEntry[] {
  if (bytes.length < HEADER_SIZE) throw new PackageError(`${name}: too short (${bytes.length} bytes) to hold a header`);
  if (!hasMagic(bytes, PACKAGE_MAGIC)) throw new PackageError(`${name}: not a package (no ${PACKAGE_MAGIC} magic)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(108, true);
  const tableEnd = HEADER_SIZE + count * ENTRY_SIZE;
  if (tableEnd > bytes.length) throw new PackageError(`${name}: the header lists ${count} files but the archive ends inside the entry table`);
  checkSignature(bytes, tableEnd, trustedKey, name);
  const version = view.getUint32(104, true);
  if (version !== FORMAT_VERSION) throw new PackageError(`${name}: format version ${version}, expected ${FORMAT_VERSION}`);
  const entries: PackageEntry[] = [];
  let expectedOffset = 0n;
  for (let i = 0; i < count; i++) {
    const at = HEADER_SIZE + i * ENTRY_SIZE;
    const pathLen = view.getUint16(at + 52, true);
    if (pathLen > PATH_MAX) throw new PackageError(`${name}: entry ${i}: path length ${pathLen} is over ${PATH_MAX}`);
    let path: string;
    try {
      path = decoder.decode(bytes.subarray(at + 56, at + 56 + pathLen));
    } catch {
      throw new PackageError(`${name}: entry ${i}: the path is not UTF-8`);
    }
    const bad = checkPath(path);
    if (bad) throw new PackageError(`${name}: entry ${i}: path ${JSON.stringify(path)} ${bad}`);
    if (i > 0 && !(entries[i - 1]!.path < path)) throw new PackageError(`${name}: entry ${i}: path ${JSON.stringify(path)} is out of order or repeated`);
    const offset = view.getBigUint64(at + 32, true);
    const size = view.getBigUint64(at + 40, true);
    if (offset !== expectedOffset) throw new PackageError(`${name}: ${path}: data offset ${offset}, expected ${expectedOffset}`);
    if (BigInt(tableEnd) + offset + size > BigInt(bytes.length)) throw new PackageError(`${name}: ${path}: its data runs past the end of the archive`);
    expectedOffset += size;
    const mode = view.getUint32(at + 48, true);
    const type = mode & S_IFMT;
    if (type !== S_IFREG && type !== S_IFLNK) throw new PackageError(`${name}: ${path}: mode ${mode.toString(8)} is neither a regular file nor a symlink`);
    const start = tableEnd + Number(offset);
    const data = bytes.slice(start, start + Number(size));
    const hash = bytes.slice(at, at + 32);
    if (!equalBytes(sha256(data), hash)) throw new PackageError(`${name}: ${path}: its contents do not match the signed hash (altered or corrupt)`);
    entries.push({ path, mode, data, sha256: hash });
  }
  const clash = fileFolderClash(entries.map((e) => e.path));
  if (clash !== null) throw new PackageError(`${name}: ${clash} is both a file and the folder of another file`);
  if (BigInt(tableEnd) + expectedOffset !== BigInt(bytes.length)) throw new PackageError(`${name}: ${bytes.length - tableEnd - Number(expectedOffset)} bytes after the last file`);
  return entries;
}

export interface IndexEntry {
  name: string;
  version: string;
  description: string;
  /** SHA-256 of the .pkgar file, hex. */
  sha256: string;
  /** Size of the .pkgar file in bytes. */
  size: number;
  /** Runtime dependencies (package names). */
  dependencies: string[];
}

export interface RepoIndex {
  packages: IndexEntry[];
}

/** Builds the signed repository index (packages sorted by name). */
export function createIndex(index: RepoIndex, secretKey: Uint8Array): Uint8Array {
  const packages = [...index.packages].sort((a, b) => (a.name < b.name ? -1 : 1)).map((p) => ({
    name: p.name, version: p.version, description: p.description, sha256: p.sha256, size: p.size, dependencies: [...p.dependencies],
  }));
  const body = encoder.encode(`${JSON.stringify({ packages }, null, 1)}\n`);
  const out = new Uint8Array(HEADER_SIZE + body.length);
  const view = new DataView(out.buffer);
  writeMagic(out, INDEX_MAGIC);
  out.set(publicKeyOf(secretKey), 72);
  view.setUint32(104, FORMAT_VERSION, true);
  view.setUint32(108, body.length, true);
  out.set(body, HEADER_SIZE);
  out.set(ed.sign(out.subarray(SIGNED_FROM), secretKey), 8);
  return out;
}

/** Verifies and reads a repository index signed by `trustedKey`. */
export function readIndex(bytes: Uint8Array, trustedKey: Uint8Array): RepoIndex {
  const what = 'repository index';
  if (bytes.length < HEADER_SIZE) throw new PackageError(`${what}: too short (${bytes.length} bytes)`);
  if (!hasMagic(bytes, INDEX_MAGIC)) throw new PackageError(`${what}: no ${INDEX_MAGIC} magic`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(108, true);
  if (HEADER_SIZE + length !== bytes.length) throw new PackageError(`${what}: the header says ${length} bytes of body, the file holds ${bytes.length - HEADER_SIZE}`);
  checkSignature(bytes, bytes.length, trustedKey, what);
  let body: unknown;
  try {
    body = JSON.parse(decoder.decode(bytes.subarray(HEADER_SIZE)));
  } catch (err) {
    throw new PackageError(`${what}: the body is not UTF-8 JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const packages = isRecord(body) ? body.packages : undefined;
  if (!Array.isArray(packages)) throw new PackageError(`${what}: expected a JSON object with a "packages" array`);
  const seen = new Set<string>();
  return {
    packages: packages.map((item: unknown, i: number) => {
      const entry = checkIndexEntry(item, `${what}: packages[${i}]`);
      if (seen.has(entry.name)) throw new PackageError(`${what}: packages[${i}] name: ${JSON.stringify(entry.name)} is listed twice`);
      seen.add(entry.name);
      return entry;
    }),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One index entry checked field by field: the signature proves who wrote the index, not that the
 * writer wrote it well, and installers use these fields as file names and hashes.
 */
function checkIndexEntry(item: unknown, where: string): IndexEntry {
  if (!isRecord(item)) throw new PackageError(`${where}: expected an object, found ${item === null ? 'null' : typeof item}`);
  const bad = (field: string, expected: string): PackageError => new PackageError(`${where} ${field}: expected ${expected}, found ${JSON.stringify(item[field]) ?? 'nothing'}`);
  const { name, version, description, sha256: hash, size, dependencies } = item;
  if (typeof name !== 'string' || !PACKAGE_NAME.test(name)) throw bad('name', 'a package name (lowercase letters, digits, . _ + -)');
  if (typeof version !== 'string' || version === '') throw bad('version', 'a non-empty string');
  if (typeof description !== 'string') throw bad('description', 'a string');
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) throw bad('sha256', '64 lowercase hex digits');
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw bad('size', 'a whole number of bytes, 0 or more');
  if (!Array.isArray(dependencies) || !dependencies.every((d: unknown) => typeof d === 'string' && PACKAGE_NAME.test(d))) throw bad('dependencies', 'an array of package names');
  return { name, version, description, sha256: hash, size, dependencies: dependencies as string[] };
}

/** Checks a package file against its index entry (size and SHA-256) before it is even opened. */
export function matchesIndex(bytes: Uint8Array, entry: IndexEntry): boolean {
  return bytes.length === entry.size && toHex(sha256(bytes)) === entry.sha256;
}
