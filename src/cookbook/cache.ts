/**
 * The content-addressed build cache: a recipe is rebuilt only when what goes into it changed.
 *
 * The key of a build is the SHA-256 of: the cache format version, the template's name and
 * version, the template's fingerprint (templates/fingerprint.ts: the hash of its code and the
 * modules it imports, esbuild's version, and for C templates the compiler CC resolves to, its
 * version and the target flags), the recipe file's text, the source (the hash of a local path's tree, a tarball's
 * sha256 or an npm package's integrity), each patch's bytes, and the output hash of every
 * build dependency (so a dependency whose output changed rebuilds its dependents, and one
 * rebuilt to identical bytes does not). A template may also report the files it read (esbuild:
 * every module the bundle pulled in, libc included); their hashes are recorded beside the key
 * and checked on the next build, as make's depfiles are. Such a template may then stand for a
 * local source by a short key of its own (the program list) instead of the whole tree's hash.
 *
 * Each recipe's record is build/cookbook/<name>/cache.json; the stage (the built files) is
 * build/cookbook/<name>/stage and its tree hash is the recipe's output hash.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { templateFingerprint } from './templates/fingerprint.ts';

export const CACHE_FORMAT = 2;

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function fileHash(path: string): string {
  return sha256Hex(readFileSync(path));
}

/**
 * The hash of a file tree: every entry's relative path, type, permission bits (all twelve:
 * set-user-ID, set-group-ID and sticky included), size and contents (a
 * symlink's target), in sorted order. A single file hashes as a tree of one entry named "".
 * Names in `ignore` (at any depth) are left out.
 */
export function treeHash(root: string, ignore: ReadonlySet<string> = new Set()): string {
  const h = createHash('sha256');
  const walk = (path: string, rel: string): void => {
    const info = lstatSync(path);
    if (info.isSymbolicLink()) {
      h.update(`L ${rel}\0${readlinkSync(path)}\0`);
    } else if (info.isDirectory()) {
      h.update(`D ${rel}\0`);
      for (const name of readdirSync(path).sort()) {
        if (!ignore.has(name)) walk(join(path, name), rel === '' ? name : `${rel}/${name}`);
      }
    } else {
      h.update(`F ${rel}\0${(info.mode & 0o7777).toString(8).padStart(4, '0')} ${info.size}\0`);
      h.update(readFileSync(path));
    }
  };
  walk(root, '');
  return h.digest('hex');
}

export interface KeyInputs {
  template: string;
  templateVersion: number;
  recipeText: string;
  /** Hash standing for the source: tree hash, tarball sha256 or npm integrity; '' for none. */
  sourceHash: string;
  patchHashes: string[];
  /** Build dependency name -> its output hash. */
  dependencyOutputs: Record<string, string>;
  /** What stands for the template's code and environment; default templateFingerprint(template). */
  fingerprint?: string;
}

export function cacheKey(inputs: KeyInputs): string {
  const deps = Object.keys(inputs.dependencyOutputs).sort().map((n) => [n, inputs.dependencyOutputs[n]]);
  const fingerprint = inputs.fingerprint ?? templateFingerprint(inputs.template);
  return sha256Hex(JSON.stringify([CACHE_FORMAT, inputs.template, inputs.templateVersion, fingerprint, inputs.recipeText, inputs.sourceHash, inputs.patchHashes, deps]));
}

export interface CacheRecord {
  key: string;
  /** Extra input files the template read (absolute path -> sha256 at build time). */
  inputs: Record<string, string>;
  /** treeHash of the stage after the build. */
  output: string;
  builtAt: string;
  /** Milliseconds the build took. */
  ms: number;
}

export function readRecord(path: string): CacheRecord | null {
  if (!existsSync(path)) return null;
  try {
    const record = JSON.parse(readFileSync(path, 'utf8')) as CacheRecord;
    return typeof record.key === 'string' && typeof record.output === 'string' ? record : null;
  } catch {
    return null;
  }
}

export function writeRecord(path: string, record: CacheRecord): void {
  writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`);
}

/**
 * Why a recipe must be rebuilt, or null if its record still holds: the key differs, an extra
 * input changed or vanished, or the stage is gone or was altered.
 */
export function staleReason(record: CacheRecord | null, key: string, stageDir: string): string | null {
  if (record === null) return 'never built';
  if (record.key !== key) return 'recipe, source or dependencies changed';
  for (const [path, hash] of Object.entries(record.inputs)) {
    if (!existsSync(path)) return `input ${path} is gone`;
    if (fileHash(path) !== hash) return `input ${path} changed`;
  }
  if (!existsSync(stageDir)) return 'stage missing';
  if (treeHash(stageDir) !== record.output) return 'stage altered';
  return null;
}
