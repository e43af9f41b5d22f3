/**
 * What `pkg` changes on the system, and how it stays atomic (docs/packages.md §4): the records
 * of installed packages (/var/lib/pkg/NAME.toml, src/cookbook/installed.ts), writing and
 * removing a package's files, and the transaction around them. A transaction holds the journal
 * (pkg_journal.ts: the lock, and what `pkg recover` needs) with the interrupting signals
 * blocked; its change runs in a RedoxFS snapshot of the root taken through redoxfsd's control
 * scheme (/scheme/file.snapshots), rolled back to if anything fails. The order at the end,
 * commit (sync), remove the journal, sync, delete the snapshot, means that a pkg stopped at any
 * point leaves a journal or a finished system. Deleting the snapshot commits the volume too.
 * Records are written whole under a draft name and renamed into place, so a kill never leaves
 * a truncated one.
 */
import {
  Errno, O_CREAT, O_TRUNC, O_WRONLY, close, eprint, fchmod, getpid, lstat, mkdir, open, print, readTextFile, readdir, rename, rmdir, symlink, unlink, write, writeFile,
} from '../../libc/index.ts';
import { INSTALLED_DIR, encodeInstallRecord, installRecordPath, isSymlinkMode, parseInstallRecord, type InstallRecord } from '../../cookbook/installed.ts';
import { PackageError, type PackageEntry } from '../../cookbook/package.ts';
import { describe, ensureDirectory, isErrno, onPath, syncRoot } from './pkg_fs.ts';
import {
  JOURNAL_PATH, UNREADABLE, createJournal, deleteStaleDrafts, interrupted, isAnotherRunningPkg, readJournal, refusal, removeJournal, withSignalsBlocked, type Journal,
} from './pkg_journal.ts';
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

/** What a record is written as before it is renamed into place; it does not end in `.toml`, so readInstalled never reads it. */
const RECORD_DRAFT_SUFFIX = '.new';

/**
 * Writes a record whole under a draft name, then renames it over the old one: a pkg killed
 * meanwhile (then kept with `pkg recover --discard`) leaves the old record or the new one, never
 * a truncated record that every later command would trip on. No fsync: the transaction's commit
 * makes it durable, and a RedoxFS commit holds either name, never half a rename.
 */
export function writeRecord(record: InstallRecord): void {
  ensureDirectory(`/${INSTALLED_DIR}`);
  const path = `/${installRecordPath(record.name)}`;
  const draft = `${path}${RECORD_DRAFT_SUFFIX}`;
  onPath(draft, () => writeFile(draft, encodeInstallRecord(record), 0o644));
  onPath(path, () => rename(draft, path));
}

export function removeRecord(name: string): void {
  const path = `/${installRecordPath(name)}`;
  onPath(path, () => unlink(path));
}

/**
 * Moves every record that does not parse aside, to NAME.toml.broken, with a warning naming it,
 * so that the commands reading records work again; deletes record drafts a killed pkg left.
 * Records are renamed into place whole, so a broken one is damage, or was truncated by an older
 * pkg killed while writing it in place. Returns how many files it moved or deleted. Run only
 * while holding the lock (a journal), so no pkg is writing records meanwhile.
 */
function setAsideBrokenRecords(): number {
  const dir = `/${INSTALLED_DIR}`;
  const journal = JOURNAL_PATH.slice(dir.length + 1);
  let names: string[];
  try {
    names = readdir(dir).map((d) => d.name).sort();
  } catch (error) {
    if (isErrno(error, Errno.ENOENT)) return 0;
    throw new PkgError(describe(error, dir));
  }
  let handled = 0;
  for (const name of names) {
    const path = `${dir}/${name}`;
    if (name.endsWith(`.toml${RECORD_DRAFT_SUFFIX}`)) {
      onPath(path, () => unlink(path));
      handled++;
      continue;
    }
    if (!name.endsWith('.toml') || name === journal) continue;
    let problem: string;
    try {
      parseInstallRecord(onPath(path, () => readTextFile(path)), path);
      continue;
    } catch (error) {
      if (!(error instanceof PackageError)) throw error;
      problem = error.message;
    }
    const aside = `${path}.broken`;
    onPath(path, () => rename(path, aside));
    eprint(`pkg: warning: ${problem}; moved it to ${aside}, so its package is no longer listed (its files stay, unrecorded)`);
    handled++;
  }
  return handled;
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
  } catch (error) {
    return `cannot commit the journal's removal: ${describe(error)}; the snapshot ${snapshot.path} is kept, and \`pkg recover --discard\` removes both if the journal is still there after a reboot`;
  }
  try {
    snapshot.delete();
  } catch (error) {
    return `cannot delete the snapshot: ${describe(error)} (it only costs space; remove it with rm)`;
  }
  return null;
}

/**
 * Runs `work` in the snapshot and commits it, or rolls everything back if either fails: a
 * commit refused (ENOSPC, EIO) leaves a change that is not on the disk, so it is undone too.
 */
function changeAtomically(snapshot: Snapshot, what: string, work: () => void): void {
  try {
    work();
    commit();
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
  const problem = closeOut(snapshot);
  if (problem !== null) throw new PkgError(`${what}: done, but ${problem}`);
}

/** Commits the change to the disk (syncRoot), saying what failed if it cannot. */
function commit(): void {
  try {
    syncRoot();
  } catch (error) {
    throw new PkgError(`cannot commit it to the disk: ${describe(error)}`);
  }
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
      deleteStaleDrafts();
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
 * its journal names, or with `discard` keeps the system as it is; either way moves aside
 * records that do not parse (while the journal still locks out other pkg runs), then removes
 * journal and snapshot, and any stray snapshot or journal draft. Says what it did.
 */
export function recover(discard: boolean): void {
  withSignalsBlocked(() => {
    const journal = readJournal();
    if (journal !== null && isAnotherRunningPkg(journal.pid)) throw new PkgError(`${refusal(journal)}; nothing to recover`);
    if (journal === null) {
      if (tidyUnderLock() === 0) print('nothing to recover: no pkg was interrupted');
      return;
    }
    const snapshot = journal === UNREADABLE ? null : Snapshot.named(journal);
    if (snapshot === null) {
      setAsideBrokenRecords();
      removeJournal();
      syncRoot();
      if (journal === UNREADABLE) print(`removed the journal ${JOURNAL_PATH}, which did not parse and so named no snapshot to roll back to; the system is kept as it is`);
      else print(`${interrupted(journal)} was stopped before it took its snapshot, so it changed nothing; removed its journal`);
    } else if (discard) {
      setAsideBrokenRecords();
      finishRecovery(snapshot);
      print(`kept the system as ${interrupted(journal)} left it (the files and records it wrote stay); removed its journal and snapshot`);
    } else {
      snapshot.rollback();
      setAsideBrokenRecords();
      finishRecovery(snapshot);
      print(`rolled the root volume back to the snapshot taken when ${interrupted(journal)} began: everything written to it since ${journal.started}, by any program, is undone`);
    }
    deleteStraySnapshots('');
    deleteStaleDrafts();
  });
}

/**
 * `pkg recover` with no interrupted pkg: takes the lock itself (so no pkg writes records
 * meanwhile), deletes stray snapshots and journal drafts and moves broken records aside.
 * Returns how many snapshots and records it dealt with.
 */
function tidyUnderLock(): number {
  createJournal('recover', '');
  let handled: number;
  try {
    handled = deleteStraySnapshots('') + setAsideBrokenRecords();
    deleteStaleDrafts();
  } catch (error) {
    releaseAfter(error);
    throw error;
  }
  removeJournal();
  return handled;
}

function finishRecovery(snapshot: Snapshot): void {
  const problem = closeOut(snapshot);
  if (problem !== null) throw new PkgError(problem);
}
