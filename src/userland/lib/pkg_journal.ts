/**
 * pkg's journal, which is also its lock (docs/packages.md §4): /var/lib/pkg/transaction.toml.
 * A pkg about to change the system writes the whole journal to a draft of its own
 * (transaction.toml.PID), fsyncs it, and only then hard-links it to the journal's name: link
 * creates the name only if it is absent (EEXIST when another pkg holds the lock), so two pkg runs
 * never interleave and no pkg ever sees a half-written journal under that name. The journal says
 * what was being done (`install big`), by which pid, since when, and in which snapshot; it is
 * made durable before that snapshot is taken and removed once the change is committed or rolled
 * back, before that snapshot is deleted. So a pkg stopped at any instant (SIGKILL, a crash, a
 * power cut) leaves either this journal, for `pkg recover`, or a complete system plus a stray
 * `pkg-*` snapshot that is safe to delete (and perhaps a draft, which the next pkg deletes).
 * Every signal that can be blocked is blocked for the whole transaction, so only those three can
 * stop it.
 */
import { parse, stringify, TomlError } from 'smol-toml';
import {
  Errno, NSIG, SysError, O_CREAT, O_TRUNC, O_WRONLY, SIGKILL, SIGSTOP, SIG_BLOCK, SIG_SETMASK, close, eprint, flushAll, fsync, getpid, link, open, readTextFile, readdir, sigbit,
  sigprocmask, unlink, write,
} from '../../libc/index.ts';
import { INSTALLED_DIR } from '../../cookbook/installed.ts';
import { describe, ensureDirectory, isErrno, syncRoot } from './pkg_fs.ts';
import { PkgError } from './pkg_sources.ts';

export const JOURNAL_PATH = `/${INSTALLED_DIR}/transaction.toml`;

export interface Journal {
  /** The pkg command that was changing the system, e.g. `install big`. */
  operation: string;
  pid: number;
  /** When it began (ISO 8601, UTC). */
  started: string;
  /** The snapshot the change ran in; it may not exist yet (pkg was stopped before taking it). */
  snapshot: string;
}

/**
 * A journal that does not parse. pkg links only a journal it has written whole and fsynced, so
 * this is damage (or a journal left by an older pkg that wrote it in place): it names no snapshot.
 */
export const UNREADABLE: Journal = { operation: '', pid: 0, started: '', snapshot: '' };

/** The journal, or null when no pkg is changing the system or was interrupted doing so. */
export function readJournal(): Journal | null {
  let text: string;
  try {
    text = readTextFile(JOURNAL_PATH);
  } catch (error) {
    if (isErrno(error, Errno.ENOENT)) return null;
    throw new PkgError(`cannot read the journal: ${describe(error, JOURNAL_PATH)}`);
  }
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) return UNREADABLE;
    throw error;
  }
  const { operation, pid, started, snapshot } = doc;
  if (typeof operation !== 'string' || typeof pid !== 'number' || typeof started !== 'string' || typeof snapshot !== 'string') return UNREADABLE;
  return { operation, pid, started, snapshot };
}

/** Whether `pid` is a live pkg other than this one (a dead pkg's pid may since belong to anything, this pkg included). */
export function isAnotherRunningPkg(pid: number): boolean {
  if (pid === getpid() || !Number.isInteger(pid) || pid <= 0) return false;
  let status: string;
  try {
    status = readTextFile(`/scheme/proc/${pid}/status`);
  } catch (error) {
    if (isErrno(error, Errno.ENOENT, Errno.ESRCH)) return false;
    throw new PkgError(`cannot tell whether pid ${pid} still runs: ${describe(error, `/scheme/proc/${pid}/status`)}`);
  }
  return /^Name: pkg$/m.test(status) && !/^State: Z/m.test(status);
}

/** `\`pkg install big\` (pid 12, begun 2026-...)`, for messages about a journal that parses. */
export function interrupted(journal: Journal): string {
  return `\`pkg ${journal.operation}\` (pid ${journal.pid}, begun ${journal.started})`;
}

/** Why no change may start while `journal` exists: a live pkg holds it, one was interrupted, or it is unreadable. */
export function refusal(journal: Journal): string {
  if (journal === UNREADABLE) return `the journal ${JOURNAL_PATH} does not parse, so what the pkg that wrote it was doing is unknown; \`pkg recover\` removes it`;
  if (isAnotherRunningPkg(journal.pid)) return `another pkg (pid ${journal.pid}) is changing the system (\`pkg ${journal.operation}\`); try again when it has finished`;
  return `an interrupted ${interrupted(journal)} may have left the system half-changed; \`pkg recover\` rolls it back (\`pkg recover --discard\` keeps the system as it is)`;
}

/** For commands that only read: say on stderr that what they show may be half-changed. */
export function warnIfInterrupted(): void {
  const journal = readJournal();
  if (journal !== null && !isAnotherRunningPkg(journal.pid)) eprint(`pkg: warning: ${refusal(journal)}`);
}

/** Where pkg `pid` writes its journal before linking it to JOURNAL_PATH. */
function draftPath(pid: number): string {
  return `${JOURNAL_PATH}.${pid}`;
}

/**
 * Creates the journal (taking the lock) and makes it durable; refuses while another exists.
 * The journal is written whole and fsynced under this pkg's draft name first, then linked to
 * JOURNAL_PATH: link fails with EEXIST if that name exists, like O_CREAT|O_EXCL, but the name
 * appears with its contents, so another pkg never reads an empty or half-written journal (and
 * never mistakes a live lock for an interrupted one).
 */
export function createJournal(operation: string, snapshot: string, retry = true): Journal {
  ensureDirectory(`/${INSTALLED_DIR}`);
  const journal: Journal = { operation, pid: getpid(), started: new Date().toISOString(), snapshot };
  const draft = draftPath(journal.pid);
  writeDraft(draft, stringify(journal));
  let locked: boolean;
  try {
    locked = linkUnlessTaken(draft);
  } finally {
    removeDraft(draft);
  }
  if (!locked) {
    const other = readJournal();
    // It vanished between the two calls: the other pkg just finished, so try once more.
    if (other === null && retry) return createJournal(operation, snapshot, false);
    throw new PkgError(other === null ? 'other pkg runs keep taking the lock; try again' : refusal(other));
  }
  // The contents were committed with the draft; this commits the journal's name before any change.
  try {
    syncRoot();
  } catch (error) {
    const failure = `cannot make the journal durable: ${describe(error)}; nothing was changed`;
    try {
      removeJournal();
    } catch (removeError) {
      throw new PkgError(`${failure}, but ${describe(removeError)} (\`pkg recover\` removes it)`);
    }
    throw new PkgError(failure);
  }
  return journal;
}

/** Links `draft` to JOURNAL_PATH: true when this pkg now holds the lock, false when another journal exists. */
function linkUnlessTaken(draft: string): boolean {
  try {
    link(draft, JOURNAL_PATH);
    return true;
  } catch (error) {
    if (isErrno(error, Errno.EEXIST)) return false;
    throw new PkgError(`cannot create the journal: ${describe(error, JOURNAL_PATH)}; nothing was changed`);
  }
}

/** Writes `text` to `draft` and fsyncs it. A failure leaves no draft. */
function writeDraft(draft: string, text: string): void {
  let fd: number;
  try {
    // O_TRUNC: a draft left by a dead pkg that had this pid is simply overwritten.
    fd = open(draft, O_WRONLY | O_CREAT | O_TRUNC, 0o644);
  } catch (error) {
    throw new PkgError(`cannot create the journal: ${describe(error, draft)}; nothing was changed`);
  }
  try {
    write(fd, text);
    fsync(fd);
  } catch (error) {
    removeDraft(draft);
    throw new PkgError(`cannot write the journal: ${describe(error, draft)}; nothing was changed`);
  } finally {
    close(fd);
  }
}

/**
 * Removes a draft once it is linked (or failed). One that cannot be removed is left for
 * deleteStaleDrafts: it is not the lock, so it harms nothing meanwhile, and failing the
 * transaction for it would be worse.
 */
function removeDraft(draft: string): void {
  try {
    unlink(draft);
  } catch (error) {
    // An errno leaves the draft for deleteStaleDrafts (see above); anything else is a bug.
    if (!(error instanceof SysError)) throw error;
  }
}

/**
 * Deletes the journal drafts (transaction.toml.PID) of pkg runs that no longer run: a pkg
 * killed between writing its draft and removing it leaves one. A live pkg's draft is kept,
 * since it may be about to link it.
 */
export function deleteStaleDrafts(): void {
  const dir = `/${INSTALLED_DIR}`;
  const prefix = `${JOURNAL_PATH.slice(dir.length + 1)}.`;
  let names: string[];
  try {
    names = readdir(dir).map((d) => d.name);
  } catch (error) {
    if (isErrno(error, Errno.ENOENT)) return;
    throw new PkgError(describe(error, dir));
  }
  for (const name of names) {
    const pid = name.startsWith(prefix) ? name.slice(prefix.length) : '';
    if (!/^\d+$/.test(pid) || Number(pid) === getpid() || isAnotherRunningPkg(Number(pid))) continue;
    try {
      unlink(`${dir}/${name}`);
    } catch (error) {
      if (!isErrno(error, Errno.ENOENT)) throw new PkgError(`cannot delete a stale journal draft: ${describe(error, `${dir}/${name}`)}`);
    }
  }
}

/** Removes the journal, releasing the lock; one already gone (rolled back past its creation) is fine. */
export function removeJournal(): void {
  try {
    unlink(JOURNAL_PATH);
  } catch (error) {
    if (!isErrno(error, Errno.ENOENT)) throw new PkgError(`cannot remove the journal: ${describe(error, JOURNAL_PATH)}`);
  }
}

/**
 * Every signal that can be blocked: all but SIGKILL and SIGSTOP, which no process can block.
 * Not only ^C, ^Z, kill's default and a hang-up end a process by default: SIGPIPE (a closed
 * pipe on stdout), SIGALRM, SIGUSR1, SIGUSR2, SIGXCPU and others do too (src/syscall/signal.ts).
 */
const BLOCKABLE = (() => {
  let mask = 0;
  for (let sig = 1; sig < NSIG; sig++) if (sig !== SIGKILL && sig !== SIGSTOP) mask |= sigbit(sig);
  return mask >>> 0;
})();

/**
 * Runs `work` with every blockable signal held back; they act (if still pending) once it
 * returns or throws, after what it printed is flushed, so the user still learns what was done.
 */
export function withSignalsBlocked<T>(work: () => T): T {
  const old = sigprocmask(SIG_BLOCK, BLOCKABLE);
  try {
    return work();
  } finally {
    flushAll();
    sigprocmask(SIG_SETMASK, old);
  }
}
