/**
 * What `pkg` changes on the system, and how it stays atomic (docs/packages.md §4): the records
 * of installed packages (/var/lib/pkg/NAME.toml, src/cookbook/installed.ts), writing and
 * removing a package's files, and the transaction around them. A transaction holds the journal
 * (pkg_journal.ts: the lock, and what `pkg recover` needs) with the interrupting signals
 * blocked; its change runs in a RedoxFS snapshot of the root taken through redoxfsd's control
 * scheme (/scheme/file.snapshots), rolled back to if anything fails. The order at the end,
 * commit (sync), remove the journal, sync, delete the snapshot, means that a pkg stopped at any
 * point leaves a journal or a finished system. Deleting the snapshot commits the volume too.
 */
import {
  Errno, O_CREAT, O_TRUNC, O_WRONLY, close, eprint, fchmod, getpid, lstat, mkdir, open, print, readTextFile, readdir, rmdir, symlink, unlink, write, writeFile,
} from '../../libc/index.ts';
import { INSTALLED_DIR, encodeInstallRecord, installRecordPath, isSymlinkMode, parseInstallRecord, type InstallRecord } from '../../cookbook/installed.ts';
import { PackageError, type PackageEntry } from '../../cookbook/package.ts';
import { describe, ensureDirectory, isErrno, onPath, syncRoot } from './pkg_fs.ts';
import { JOURNAL_PATH, createJournal, interrupted, isAnotherRunningPkg, readJournal, refusal, removeJournal, withSignalsBlocked, type Journal } from './pkg_journal.ts';
import { PkgError } from './pkg_sources.ts';

export const SNAPSHOT_CONTROL = '/scheme/file.snapshots';

// ---- records ----

/** Every installed package's record, by name. A record that does not parse is an error, not a gap. */
export function readInstalled(): Map<string, InstallRecord> {
  const out = new Map<string, InstallRecord>();
  let names: string[];
  try {
    const journal = JOURNAL_PATH.slice(JOURNAL_PATH.lastIndexOf('/') + 1);
    names = readdir(`/${INSTALLED_DIR}`).map((d) => d.name).filter((n) => n.endsWith('.toml') && n !== journal).sort();
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
  constructor(readonly path: string) {}

  static named(journal: Journal): Snapshot | null {
    const name = journal.snapshot.slice(journal.snapshot.lastIndexOf('/') + 1);
    return journal.snapshot.startsWith(`${SNAPSHOT_CONTROL}/`) && snapshotNames().includes(name) ? new Snapshot(journal.snapshot) : null;
  }

  take(): void {
    try {
      mkdir(this.path);
    } catch (error) {
      if (isErrno(error, Errno.ENODEV, Errno.ENOENT)) throw new PkgError(`the root filesystem cannot take snapshots (no ${SNAPSHOT_CONTROL}), so nothing can be installed atomically; nothing was changed`);
      throw new PkgError(`cannot take a snapshot before changing the system: ${describe(error, this.path)}; nothing was changed`);
    }
  }

  rollback(): void {
    onPath(this.path, () => {
      const fd = open(this.path, O_WRONLY);
      try {
        write(fd, 'rollback\n');
      } finally {
        close(fd);
      }
    });
  }

  delete(): void {
    onPath(this.path, () => unlink(this.path));
  }
}

/** The snapshots of the root; none where it cannot take any. */
function snapshotNames(): string[] {
  try {
    return readdir(SNAPSHOT_CONTROL).map((d) => d.name);
  } catch (error) {
    if (isErrno(error, Errno.ENODEV, Errno.ENOENT)) return [];
    throw new PkgError(`cannot list the snapshots: ${describe(error, SNAPSHOT_CONTROL)}`);
  }
}

/**
 * Deletes the `pkg-PID-TIME` snapshots that no journal names and no running pkg owns: left by
 * a pkg stopped after it removed its journal, so the system is complete and they only cost
 * space. Returns how many it deleted.
 */
function deleteStraySnapshots(keep: string): number {
  let deleted = 0;
  for (const name of snapshotNames()) {
    const pid = /^pkg-(\d+)-\d+$/.exec(name)?.[1];
    const path = `${SNAPSHOT_CONTROL}/${name}`;
    if (pid === undefined || path === keep || isAnotherRunningPkg(Number(pid))) continue;
    new Snapshot(path).delete();
    eprint(`pkg: note: deleted the snapshot ${path}, left by a pkg that was stopped after finishing its work (the system is complete)`);
    deleted++;
  }
  return deleted;
}

/** Makes a change final: removes the journal, then the snapshot. The problem that stopped it, if any, for the caller's message. */
function closeOut(snapshot: Snapshot): string | null {
  try {
    removeJournal();
  } catch (error) {
    return `${describe(error)}: \`pkg recover --discard\` removes it and the snapshot ${snapshot.path}, keeping the system as it is`;
  }
  try {
    syncRoot();
    snapshot.delete();
  } catch (error) {
    return `cannot delete the snapshot: ${describe(error)} (it only costs space; remove it with rm)`;
  }
  return null;
}

/** Snapshots the root, runs `work`, commits it, or rolls everything back if it throws. */
function changeAtomically(snapshot: Snapshot, what: string, work: () => void): void {
  try {
    work();
  } catch (error) {
    const failure = `${what} failed: ${describe(error)}`;
    try {
      snapshot.rollback();
    } catch (rollbackError) {
      throw new PkgError(`${failure}; and rolling back failed too (${describe(rollbackError)}): \`pkg recover\` tries again`);
    }
    const problem = closeOut(snapshot);
    throw new PkgError(`${failure}; rolled back, the system is unchanged${problem === null ? '' : `; but ${problem}`}`);
  }
  syncRoot();
  const problem = closeOut(snapshot);
  if (problem !== null) throw new PkgError(`${what}: done, but ${problem}`);
}

/** Runs a change inside a transaction; called at most once. */
export type Change = (what: string, work: () => void) => void;

/**
 * Runs one pkg command that changes the system (`operation`, e.g. `install big`) as one
 * transaction: interrupting signals blocked and the journal held from before it reads what is
 * installed to after its change is committed or rolled back, so its checks stay true. `body`
 * plans, then calls `change` at most once; if it throws before that, the journal just goes.
 */
export function transaction<T>(operation: string, body: (change: Change) => T): T {
  return withSignalsBlocked(() => {
    const snapshot = new Snapshot(`${SNAPSHOT_CONTROL}/pkg-${getpid()}-${Date.now()}`);
    createJournal(operation, snapshot.path);
    let journalHandedOver = false;
    const change: Change = (what, work) => {
      if (journalHandedOver) throw new Error('pkg: a transaction makes one change');
      snapshot.take();
      journalHandedOver = true;
      changeAtomically(snapshot, what, work);
    };
    let result: T;
    try {
      deleteStraySnapshots(snapshot.path);
      result = body(change);
    } catch (error) {
      if (!journalHandedOver) releaseAfter(error);
      throw error;
    }
    if (!journalHandedOver) removeJournal();
    return result;
  });
}

/** Removes the journal of a transaction that failed before changing anything, keeping `error` the main message. */
function releaseAfter(error: unknown): void {
  try {
    removeJournal();
  } catch (removeError) {
    throw new PkgError(`${describe(error)}; nothing was changed, but ${describe(removeError)} (\`pkg recover\` removes it)`);
  }
}

/**
 * `pkg recover`: undoes what an interrupted pkg left, by rolling the root back to the snapshot
 * its journal names, or with `discard` keeps the system as it is; either way removes journal and
 * snapshot, and any stray snapshot. Says what it did.
 */
export function recover(discard: boolean): void {
  withSignalsBlocked(() => {
    const journal = readJournal();
    if (journal !== null && isAnotherRunningPkg(journal.pid)) throw new PkgError(`${refusal(journal)}; nothing to recover`);
    if (journal === null) {
      if (deleteStraySnapshots('') === 0) print('nothing to recover: no pkg was interrupted');
      return;
    }
    const snapshot = Snapshot.named(journal);
    if (snapshot === null) {
      removeJournal();
      syncRoot();
      print(`${interrupted(journal)} was stopped before it took its snapshot, so it changed nothing; removed its journal`);
    } else if (discard) {
      finishRecovery(snapshot);
      print(`kept the system as ${interrupted(journal)} left it (the files it wrote stay, unrecorded); removed its journal and snapshot`);
    } else {
      snapshot.rollback();
      finishRecovery(snapshot);
      print(`rolled the root volume back to the snapshot taken when ${interrupted(journal)} began: everything written to it since ${journal.started}, by any program, is undone`);
    }
    deleteStraySnapshots('');
  });
}

function finishRecovery(snapshot: Snapshot): void {
  const problem = closeOut(snapshot);
  if (problem !== null) throw new PkgError(problem);
}
