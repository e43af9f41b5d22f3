/**
 * The record of an installed package, `/var/lib/pkg/NAME.toml`: what the image builder writes
 * for every package it puts on a disk and what `pkg` writes, reads (list, info, remove, upgrade)
 * and re-hashes (verify). Portable: no node:* imports, so the host and the OS share it.
 */
import { parse, stringify, TomlError } from 'smol-toml';
import { PackageError, S_IFLNK, S_IFMT, checkPath, toHex, type IndexEntry, type PackageEntry } from './package.ts';

/** Where the records live, relative to the root of the installed system. */
export const INSTALLED_DIR = 'var/lib/pkg';

export interface InstalledFile {
  /** Relative to `/`, as in the package (`bin/sh`). */
  path: string;
  /** SHA-256 of the file's data (a symlink's: of its target), hex. */
  sha256: string;
  /** With the type bits, as in the package. */
  mode: number;
}

export interface InstallRecord {
  name: string;
  version: string;
  description: string;
  /** SHA-256 of the .pkgar the files came from, hex. */
  sha256: string;
  dependencies: string[];
  files: InstalledFile[];
}

export function installRecordPath(name: string): string {
  return `${INSTALLED_DIR}/${name}.toml`;
}

/** The record of installing `entries`, a verified package, as listed by its index entry. */
export function installRecordOf(index: IndexEntry, entries: readonly PackageEntry[]): InstallRecord {
  return {
    name: index.name, version: index.version, description: index.description, sha256: index.sha256,
    dependencies: [...index.dependencies],
    files: entries.map((e) => ({ path: e.path, sha256: toHex(e.sha256), mode: e.mode })),
  };
}

export function encodeInstallRecord(record: InstallRecord): string {
  return `# Installed by pkg; pkg verify re-hashes these files. Do not edit.\n${stringify(record)}\n`;
}

/** Parses and checks a record; `source` names it in errors. */
export function parseInstallRecord(text: string, source: string): InstallRecord {
  let raw: Record<string, unknown>;
  try {
    raw = parse(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) throw new PackageError(`${source}: not valid TOML: ${error.message.split('\n')[0]}`);
    throw error;
  }
  const text_ = (field: string): string => {
    const value = raw[field];
    if (typeof value !== 'string') throw new PackageError(`${source}: field "${field}" must be a string`);
    return value;
  };
  const deps = raw['dependencies'] ?? [];
  if (!Array.isArray(deps) || !deps.every((d): d is string => typeof d === 'string')) throw new PackageError(`${source}: field "dependencies" must be an array of strings`);
  const files = raw['files'] ?? [];
  if (!Array.isArray(files)) throw new PackageError(`${source}: field "files" must be an array of tables`);
  const checked = files.map((f: unknown, i): InstalledFile => {
    const file = f as Record<string, unknown>;
    const where = `${source}: files[${i}]`;
    if (typeof file !== 'object' || file === null) throw new PackageError(`${where} must be a table`);
    const { path, sha256, mode } = file;
    if (typeof path !== 'string' || checkPath(path) !== null) throw new PackageError(`${where}.path must be a relative package path`);
    if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) throw new PackageError(`${where}.sha256 must be 64 hex digits`);
    if (typeof mode !== 'number' || !Number.isInteger(mode)) throw new PackageError(`${where}.mode must be an integer`);
    return { path, sha256, mode };
  });
  return { name: text_('name'), version: text_('version'), description: text_('description'), sha256: text_('sha256'), dependencies: deps, files: checked };
}

export function isSymlinkMode(mode: number): boolean {
  return (mode & S_IFMT) === S_IFLNK;
}
