/**
 * The local repository (build/repo): one signed archive per package (NAME.pkgar), a sidecar
 * NAME.toml with the package's metadata, and the signed index (repo.idx) listing every package
 * with its version, hash, size and runtime dependencies. Host side: reads stages and writes
 * files; the archive and index formats themselves are in package.ts.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'smol-toml';
import { createIndex, createPackage, readPackage, S_IFLNK, S_IFMT, S_IFREG, signerOf, toHex, sha256Of, type IndexEntry, type KeyPair, type PackageFile } from './package.ts';
import type { Recipe } from './recipe.ts';

export const INDEX_FILE = 'repo.idx';

/**
 * The files of a stage as package entries (directories are implied by paths; empty ones are
 * dropped). A file's mode keeps its permission bits (0o777) only: a build cannot ship a
 * set-user-ID, set-group-ID or sticky file; only the recipe's `[package] modes` can (packagedFiles).
 */
export function stageFiles(stageDir: string): PackageFile[] {
  const files: PackageFile[] = [];
  const encoder = new TextEncoder();
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const inside = rel === '' ? name : `${rel}/${name}`;
      const info = lstatSync(path);
      if (info.isSymbolicLink()) files.push({ path: inside, mode: S_IFLNK | 0o777, data: encoder.encode(readlinkSync(path)) });
      else if (info.isDirectory()) walk(path, inside);
      // Only the permission bits: set-user-ID, set-group-ID and sticky bits come from `[package] modes` alone.
      else if (info.isFile()) files.push({ path: inside, mode: S_IFREG | (info.mode & 0o777), data: readFileSync(path) });
    }
  };
  walk(stageDir, '');
  return files;
}

function writeAtomic(path: string, data: Uint8Array | string): void {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}

/** The stage's files with the recipe's `[package] modes` applied; a mode for a file the build did not make is an error. */
function packagedFiles(recipe: Recipe, stageDir: string): PackageFile[] {
  const files = stageFiles(stageDir);
  for (const [path, mode] of Object.entries(recipe.package.modes)) {
    const file = files.find((f) => f.path === path);
    if (!file || (file.mode & S_IFMT) !== S_IFREG) throw new Error(`${recipe.file}: [package] modes: ${JSON.stringify(path)} is not a regular file the build made`);
    file.mode = S_IFREG | mode;
  }
  return files;
}

/** Packs `stageDir` as repoDir/NAME.pkgar signed with `keys`, and writes its sidecar. */
export function packageStage(recipe: Recipe, stageDir: string, repoDir: string, keys: KeyPair): IndexEntry {
  mkdirSync(repoDir, { recursive: true });
  const archive = createPackage(packagedFiles(recipe, stageDir), keys.secretKey);
  const entry: IndexEntry = {
    name: recipe.name, version: recipe.package.version, description: recipe.package.description,
    sha256: toHex(sha256Of(archive)), size: archive.length, dependencies: recipe.package.dependencies,
  };
  writeAtomic(join(repoDir, `${recipe.name}.pkgar`), archive);
  writeAtomic(join(repoDir, `${recipe.name}.toml`), stringify(entry));
  return entry;
}

/** The index entry of a packaged recipe if its archive is present, intact and signed by `publicKey`. */
export function packagedEntry(repoDir: string, name: string, publicKey: Uint8Array): IndexEntry | null {
  const archivePath = join(repoDir, `${name}.pkgar`);
  const sidecar = join(repoDir, `${name}.toml`);
  if (!existsSync(archivePath) || !existsSync(sidecar)) return null;
  const archive = readFileSync(archivePath);
  const entry = parse(readFileSync(sidecar, 'utf8')) as unknown as IndexEntry;
  if (archive.length !== entry.size || toHex(sha256Of(archive)) !== entry.sha256) return null;
  if (toHex(signerOf(archive)) !== toHex(publicKey)) return null;
  return entry;
}

export interface IndexReport {
  entries: IndexEntry[];
  /** Archives left out of the index, with why. */
  refused: string[];
}

/**
 * Rebuilds repoDir/repo.idx from every NAME.pkgar with its sidecar, verifying each archive
 * (signature and file hashes) first; an archive that fails is left out and reported.
 */
export function writeIndex(repoDir: string, keys: KeyPair): IndexReport {
  mkdirSync(repoDir, { recursive: true });
  const entries: IndexEntry[] = [];
  const refused: string[] = [];
  for (const file of readdirSync(repoDir).filter((f) => f.endsWith('.pkgar')).sort()) {
    const name = file.slice(0, -'.pkgar'.length);
    const entry = packagedEntry(repoDir, name, keys.publicKey);
    if (entry === null) {
      refused.push(`${file}: missing sidecar, hash mismatch or another signer`);
      continue;
    }
    try {
      readPackage(readFileSync(join(repoDir, file)), keys.publicKey, file);
      entries.push(entry);
    } catch (err) {
      refused.push((err as Error).message);
    }
  }
  writeAtomic(join(repoDir, INDEX_FILE), createIndex({ packages: entries }, keys.secretKey));
  return { entries, refused };
}
