/**
 * What `pkg` changes on the system, and how it stays atomic (docs/packages.md §4): the records
 * of installed packages (/var/lib/pkg/NAME.toml, src/cookbook/installed.ts), writing and
 * removing a package's files, and the transaction around them: a RedoxFS snapshot of the root
 * taken through redoxfsd's control scheme (/scheme/file.snapshots) before the first change,
 * rolled back to if anything fails, deleted once everything is written. Deleting the snapshot
 * commits the volume, so a finished transaction is durable; a rolled-back one is too.
 */
import {
  Errno, O_CREAT, O_RDONLY, O_STAT, O_TRUNC, O_WRONLY, SysError, close, fchmod, fsync, getpid, lstat, mkdir, open, readTextFile, readdir, rmdir, strerror, symlink, unlink, write,
  writeFile,
} from '../../libc/index.ts';
import { INSTALLED_DIR, encodeInstallRecord, installRecordPath, isSymlinkMode, parseInstallRecord, type InstallRecord } from '../../cookbook/installed.ts';
import { PackageError, type PackageEntry } from '../../cookbook/package.ts';
import { PkgError } from './pkg_sources.ts';

export const SNAPSHOT_CONTROL = '/scheme/file.snapshots';

/** `path: reason` for an errno, the message itself for anything else. */
export function describe(error: unknown, path?: string): string {
  if (error instanceof SysError) return path === undefined ? strerror(error.errno) : `${path}: ${strerror(error.errno)}`;
  return error instanceof Error ? error.message : String(error);
}

/** Runs a file operation; an errno becomes a PkgError naming the path. */
function onPath<T>(path: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof SysError) throw new PkgError(describe(error, path));
    throw error;
  }
}

function isErrno(error: unknown, ...codes: number[]): boolean {
  return error instanceof SysError && codes.includes(error.errno);
}

// ---- records ----

/** Every installed package's record, by name. A record that does not parse is an error, not a gap. */
export function readInstalled(): Map<string, InstallRecord> {
  const out = new Map<string, InstallRecord>();
  let names: string[];
  try {
    names = readdir(`/${INSTALLED_DIR}`).map((d) => d.name).filter((n) => n.endsWith('.toml')).sort();
  } catch (error) {
    if (isErrno(error, Errno.ENOENT)) return out;
    throw new PkgError(describe(error, `/${INSTALLED_DIR}`));
  }
  for (const file of names) {
    const path = `/${INSTALLED_DIR}/${file}`;
    try {
      const record = parseInstallRecord(onPath(path, () => readTextFile(path)), path);
      out.set(record.name, record);
    } catch (error) {
      if (error instanceof PackageError) throw new PkgError(error.message);
      throw error;
    }
  }
  return out;
}

export function writeRecord(record: InstallRecord): void {
  ensureDirectory(`/${INSTALLED_DIR}`);
  const path = `/${installRecordPath(record.name)}`;
  onPath(path, () => writeFile(path, encodeInstallRecord(record), 0o644));
}

export function removeRecord(name: string): void {
  const path = `/${installRecordPath(name)}`;
  onPath(path, () => unlink(path));
}

// ---- files ----

/** Makes `dir` and its parents (0755) as needed; an existing file in the way fails later with ENOTDIR. */
function ensureDirectory(dir: string): void {
  const parts = dir.split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const path = '/' + parts.slice(0, i).join('/');
    try {
      mkdir(path, 0o755);
    } catch (error) {
      if (!isErrno(error, Errno.EEXIST)) throw new PkgError(describe(error, path));
    }
  }
}

/** The file at `path` if there is one (not following a symlink), else null. */
function existingMode(path: string): number | null {
  try {
    return lstat(path).mode;
  } catch (error) {
    if (isErrno(error, Errno.ENOENT, Errno.ENOTDIR)) return null;
    throw new PkgError(describe(error, path));
  }
}

/** Writes one package file at `/PATH`: its bytes and permission bits, or the symlink it is. */
function writeEntry(entry: PackageEntry): void {
  const path = `/${entry.path}`;
  ensureDirectory(path.slice(0, path.lastIndexOf('/')));
  // Never write through an old symlink (that would change its target), and a symlink replaces whatever was there.
  const old = existingMode(path);
  if (old !== null && (isSymlinkMode(old) || isSymlinkMode(entry.mode))) onPath(path, () => unlink(path));
  if (isSymlinkMode(entry.mode)) {
    onPath(path, () => symlink(new TextDecoder().decode(entry.data), path));
    return;
  }
  onPath(path, () => {
    const fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, entry.mode & 0o7777);
    try {
      write(fd, entry.data);
      fchmod(fd, entry.mode & 0o7777);
    } finally {
      close(fd);
    }
  });
}

/** Writes every file of a verified package, in its (sorted) order. */
export function writeFiles(entries: readonly PackageEntry[]): void {
  for (const entry of entries) writeEntry(entry);
}

/**
 * Removes files a package installed (one already gone is fine), then the folders they leave
 * empty, deepest first; top-level folders (/bin, /usr, ...) stay even when empty.
 */
export function removeFiles(paths: readonly string[]): void {
  const folders = new Set<string>();
  for (const path of paths) {
    try {
      unlink(`/${path}`);
    } catch (error) {
      if (!isErrno(error, Errno.ENOENT, Errno.ENOTDIR)) throw new PkgError(describe(error, `/${path}`));
    }
    const parts = path.split('/');
    for (let depth = 2; depth < parts.length; depth++) folders.add(parts.slice(0, depth).join('/'));
  }
  for (const folder of [...folders].sort((a, b) => b.split('/').length - a.split('/').length || (a < b ? -1 : 1))) {
    try {
      rmdir(`/${folder}`);
    } catch (error) {
      if (!isErrno(error, Errno.ENOTEMPTY, Errno.ENOENT, Errno.ENOTDIR)) throw new PkgError(describe(error, `/${folder}`));
    }
  }
}

/**
 * Why installing `entries` as package `name` would overwrite what is not its own: a path
 * another installed package owns, or a file no package owns. Empty when it is safe.
 */
export function conflicts(name: string, entries: readonly PackageEntry[], installed: ReadonlyMap<string, InstallRecord>): string[] {
  const owners = new Map<string, string>();
  for (const record of installed.values()) for (const file of record.files) owners.set(file.path, record.name);
  const problems: string[] = [];
  for (const entry of entries) {
    const owner = owners.get(entry.path);
    if (owner === name) continue;
    if (owner !== undefined) problems.push(`/${entry.path} belongs to package ${owner}`);
    else if (existingMode(`/${entry.path}`) !== null) problems.push(`/${entry.path} exists and belongs to no package`);
  }
  return problems;
}

// ---- the transaction ----

class Snapshot {
  private constructor(readonly path: string) {}

  static take(): Snapshot {
    const path = `${SNAPSHOT_CONTROL}/pkg-${getpid()}-${Date.now()}`;
    try {
      mkdir(path);
    } catch (error) {
      if (isErrno(error, Errno.ENODEV, Errno.ENOENT)) throw new PkgError(`the root filesystem cannot take snapshots (no ${SNAPSHOT_CONTROL}), so nothing can be installed atomically; nothing was changed`);
      throw new PkgError(`cannot take a snapshot before changing the system: ${describe(error, path)}`);
    }
    return new Snapshot(path);
  }

  rollback(): void {
    const fd = open(this.path, O_WRONLY);
    try {
      write(fd, 'rollback\n');
    } finally {
      close(fd);
    }
  }

  delete(): void {
    unlink(this.path);
  }
}

/**
 * Runs `work` (which changes the root filesystem) all or nothing: a snapshot first; if `work`
 * throws, the root is rolled back to it and a PkgError says so; the snapshot is deleted after.
 */
export function atomically(what: string, work: () => void): void {
  const snapshot = Snapshot.take();
  try {
    work();
  } catch (error) {
    try {
      snapshot.rollback();
    } catch (rollbackError) {
      throw new PkgError(`${what} failed: ${describe(error)}; and rolling back failed too (${describe(rollbackError)}): the snapshot ${snapshot.path} is kept for \`echo rollback > ${snapshot.path}\``);
    }
    deleteSnapshot(snapshot);
    throw new PkgError(`${what} failed: ${describe(error)}; rolled back, the system is unchanged`);
  }
  onPath('/', syncRoot);
  deleteSnapshot(snapshot);
}

/** fsync on the root makes redoxfsd commit the whole volume before it answers. */
function syncRoot(): void {
  const fd = open('/', O_RDONLY | O_STAT);
  try {
    fsync(fd);
  } finally {
    close(fd);
  }
}

/** Only called once the change is done (or undone) and committed: a snapshot left behind costs space, nothing else. */
function deleteSnapshot(snapshot: Snapshot): void {
  try {
    snapshot.delete();
  } catch (error) {
    throw new PkgError(`cannot delete the snapshot ${snapshot.path}: ${describe(error)} (remove it with rm)`);
  }
}
