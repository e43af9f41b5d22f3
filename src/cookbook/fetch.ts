/**
 * Fetching a recipe's source: a local path is used where it is (copied only when patches must
 * be applied); a tarball is downloaded (or copied) into build/cookbook/downloads, checked
 * against its sha256 and unpacked; an npm package is fetched with `npm pack`, checked against
 * its integrity hash and unpacked. Patches are applied in order with `patch -p1`.
 *
 * A fetched source is kept with a stamp (build/cookbook/NAME/source.stamp) naming what it was
 * made from, so a second fetch of an unchanged recipe does nothing.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, isAbsolute } from 'node:path';
import { fileHash, sha256Hex, treeHash } from './cache.ts';
import type { Recipe } from './recipe.ts';
import { runTool } from './templates/_process.ts';

export class FetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FetchError';
  }
}

export interface FetchedSource {
  /** The source folder to build from (null: the recipe has no source). */
  dir: string | null;
  /** What stands for the source in the cache key. */
  hash: string;
  patchHashes: string[];
}

export interface FetchLayout {
  downloads: string;
  /** Where a copied or unpacked source goes. */
  source: string;
  stamp: string;
}

async function download(url: string, to: string): Promise<void> {
  const response = await fetch(url);
  if (!response.ok) throw new FetchError(`download ${url}: HTTP ${response.status} ${response.statusText}`);
  writeFileSync(to, new Uint8Array(await response.arrayBuffer()));
}

/**
 * Unpacks `archive` into `dest`; a single top-level folder is stripped, as Redox does. A
 * top-level entry that is a symlink is never taken as the source root (it would point the
 * source, and the patches applied to it, at a folder outside the build folder): it is refused.
 */
async function unpack(recipe: Recipe, archive: string, dest: string, log: (t: string) => void): Promise<void> {
  const parent = join(dest, '..');
  mkdirSync(parent, { recursive: true });
  const tmp = mkdtempSync(join(parent, '.unpack-'));
  try {
    await runTool('fetch', 'tar', ['-xf', archive, '-C', tmp], { cwd: parent, log });
    const top = readdirSync(tmp);
    const only = top.length === 1 ? lstatSync(join(tmp, top[0]!)) : null;
    if (only?.isSymbolicLink()) {
      throw new FetchError(`${recipe.name}: [source]: the archive ${archive} holds only ${JSON.stringify(top[0])}, a symbolic link; a source root must be a real folder`);
    }
    const root = only?.isDirectory() ? join(tmp, top[0]!) : tmp;
    rmSync(dest, { recursive: true, force: true });
    renameSync(root, dest);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Refuses a fetched source that is, or resolves to, something outside the recipe's build folder. */
function checkContained(recipe: Recipe, sourceDir: string): void {
  const folder = realpathSync(dirname(sourceDir));
  const info = lstatSync(sourceDir);
  const real = realpathSync(sourceDir);
  const rel = relative(folder, real);
  if (info.isSymbolicLink() || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new FetchError(`${recipe.name}: [source]: the fetched source ${sourceDir} resolves to ${real}, outside the recipe's build folder ${folder}; refusing to patch it`);
  }
}

async function fetchTar(recipe: Recipe, tar: string, sha256: string, layout: FetchLayout, log: (t: string) => void): Promise<string> {
  mkdirSync(layout.downloads, { recursive: true });
  const file = join(layout.downloads, `${sha256}.tar`);
  if (!existsSync(file) || fileHash(file) !== sha256) {
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.part`;
    if (/^https?:\/\//.test(tar)) {
      log(`downloading ${tar}`);
      await download(tar, tmp);
    } else {
      copyFileSync(tar, tmp);
    }
    const got = fileHash(tmp);
    if (got !== sha256) {
      rmSync(tmp, { force: true });
      throw new FetchError(`${recipe.name}: [source] sha256: the tarball ${tar} has SHA-256 ${got}, the recipe expects ${sha256}`);
    }
    renameSync(tmp, file);
  }
  return file;
}

function integrityOf(file: string, algorithm: string): string {
  return createHash(algorithm).update(readFileSync(file)).digest('base64');
}

async function fetchNpm(recipe: Recipe, spec: string, integrity: string, layout: FetchLayout, log: (t: string) => void): Promise<string> {
  mkdirSync(layout.downloads, { recursive: true });
  const [algorithm, expected] = [integrity.slice(0, integrity.indexOf('-')), integrity.slice(integrity.indexOf('-') + 1)];
  const file = join(layout.downloads, `npm-${sha256Hex(integrity)}.tgz`);
  if (existsSync(file) && integrityOf(file, algorithm) === expected) return file;
  const tmp = mkdtempSync(join(layout.downloads, '.npm-'));
  try {
    await runTool('fetch', 'npm', ['pack', spec, '--pack-destination', tmp, '--silent'], { cwd: tmp, log });
    const packed = readdirSync(tmp).filter((f) => f.endsWith('.tgz'));
    if (packed.length !== 1) throw new FetchError(`${recipe.name}: npm pack ${spec} made no tarball`);
    const got = integrityOf(join(tmp, packed[0]!), algorithm);
    if (got !== expected) throw new FetchError(`${recipe.name}: [source] integrity: ${spec} has ${algorithm}-${got}, the recipe expects ${integrity}`);
    renameSync(join(tmp, packed[0]!), file);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return file;
}

/** Fetches (if needed) and patches a recipe's source. */
export async function fetchSource(recipe: Recipe, layout: FetchLayout, log: (t: string) => void): Promise<FetchedSource> {
  const source = recipe.source;
  const patchHashes = recipe.patches.map(fileHash);
  if (source === null) return { dir: null, hash: '', patchHashes };
  if (source.kind === 'path' && recipe.patches.length === 0) return { dir: source.path, hash: treeHash(source.path), patchHashes };

  const origin = source.kind === 'path' ? treeHash(source.path) : source.kind === 'tar' ? source.sha256 : source.integrity;
  const stamp = JSON.stringify({ origin, patchHashes });
  if (existsSync(layout.source) && !lstatSync(layout.source).isSymbolicLink() && existsSync(layout.stamp) && readFileSync(layout.stamp, 'utf8') === stamp) {
    return { dir: layout.source, hash: origin, patchHashes };
  }
  rmSync(layout.stamp, { force: true });
  rmSync(layout.source, { recursive: true, force: true });
  mkdirSync(join(layout.source, '..'), { recursive: true });
  if (source.kind === 'path') {
    // The tree itself is copied even when the recipe's path is a symlink to it.
    cpSync(realpathSync(source.path), layout.source, { recursive: true, verbatimSymlinks: true });
  } else if (source.kind === 'tar') {
    await unpack(recipe, await fetchTar(recipe, source.tar, source.sha256, layout, log), layout.source, log);
  } else {
    await unpack(recipe, await fetchNpm(recipe, source.npm, source.integrity, layout, log), layout.source, log);
  }
  checkContained(recipe, layout.source);
  for (const patch of recipe.patches) {
    try {
      await runTool('patch', 'patch', ['-p1', '--forward', '--batch', '-i', patch], { cwd: layout.source, log });
    } catch (err) {
      throw new FetchError(`${recipe.name}: [source] patches: ${patch} does not apply: ${(err as Error).message}`);
    }
  }
  writeFileSync(layout.stamp, stamp);
  return { dir: layout.source, hash: origin, patchHashes };
}
