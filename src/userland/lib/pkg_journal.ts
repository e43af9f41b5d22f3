/**
 * pkg's journal, which is also its lock (docs/packages.md §4): /var/lib/pkg/transaction.toml.
 * A pkg about to change the system creates it with O_CREAT|O_EXCL, so two pkg runs never
 * interleave, and fsyncs it before the snapshot it names is taken. It says what was being done
 * (`install big`), by which pid, since when, and in which snapshot; it is removed once the change
 * is committed or rolled back, before that snapshot is deleted. So a pkg stopped at any instant
 * (SIGKILL, a crash, a power cut) leaves either this journal, for `pkg recover`, or a complete
 * system plus a stray `pkg-*` snapshot that is safe to delete. The interrupting signals a user
 * can send are blocked for the whole transaction, so only those three can stop it.
 */
import { parse, stringify, TomlError } from 'smol-toml';
import {
  Errno, O_CREAT, O_EXCL, O_WRONLY, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP, SIG_BLOCK, SIG_SETMASK, close, eprint, flushAll, fsync, getpid, open, readTextFile, sigbit,
  sigprocmask, unlink, write,
} from '../../libc/index.ts';
import { INSTALLED_DIR } from '../../cookbook/installed.ts';
import { describe, ensureDirectory, isErrno } from './pkg_fs.ts';
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

/** A journal that does not parse: its pkg was stopped while writing it, before it changed anything. */
const INCOMPLETE: Journal = { operation: '', pid: 0, started: '', snapshot: '' };

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
    if (error instanceof TomlError) return INCOMPLETE;
    throw error;
  }
  const { operation, pid, started, snapshot } = doc;
  if (typeof operation !== 'string' || typeof pid !== 'number' || typeof started !== 'string' || typeof snapshot !== 'string') return INCOMPLETE;
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

/** `\`pkg install big\` (pid 12, begun 2026-...)`, for messages. */
export function interrupted(journal: Journal): string {
  if (journal === INCOMPLETE) return 'a pkg that was stopped while writing its journal';
  return `\`pkg ${journal.operation}\` (pid ${journal.pid}, begun ${journal.started})`;
}

/** Why no change may start while `journal` exists: a live pkg holds it, or one was interrupted. */
export function refusal(journal: Journal): string {
  if (isAnotherRunningPkg(journal.pid)) return `another pkg (pid ${journal.pid}) is changing the system (\`pkg ${journal.operation}\`); try again when it has finished`;
  return `an interrupted ${interrupted(journal)} may have left the system half-changed; \`pkg recover\` rolls it back (\`pkg recover --discard\` keeps the system as it is)`;
}

/** For commands that only read: say on stderr that what they show may be half-changed. */
export function warnIfInterrupted(): void {
  const journal = readJournal();
  if (journal !== null && !isAnotherRunningPkg(journal.pid)) eprint(`pkg: warning: ${refusal(journal)}`);
}

/** Creates the journal (taking the lock) and makes it durable; refuses while another exists. */
export function createJournal(operation: string, snapshot: string, retry = true): Journal {
  ensureDirectory(`/${INSTALLED_DIR}`);
  const journal: Journal = { operation, pid: getpid(), started: new Date().toISOString(), snapshot };
  let fd: number;
  try {
    fd = open(JOURNAL_PATH, O_WRONLY | O_CREAT | O_EXCL, 0o644);
  } catch (error) {
    if (!isErrno(error, Errno.EEXIST)) throw new PkgError(`cannot create the journal: ${describe(error, JOURNAL_PATH)}; nothing was changed`);
    const other = readJournal();
    // It vanished between the two calls: the other pkg just finished, so try once more.
    if (other === null && retry) return createJournal(operation, snapshot, false);
    throw new PkgError(other === null ? 'other pkg runs keep taking the lock; try again' : refusal(other));
  }
  try {
    write(fd, stringify(journal));
    fsync(fd);
  } catch (error) {
    close(fd);
    const failure = `cannot write the journal: ${describe(error, JOURNAL_PATH)}; nothing was changed`;
    try {
      removeJournal();
    } catch (removeError) {
      throw new PkgError(`${failure}, but ${describe(removeError)} (\`pkg recover\` removes it)`);
    }
    throw new PkgError(failure);
  }
  close(fd);
  return journal;
}

/** Removes the journal, releasing the lock; one already gone (rolled back past its creation) is fine. */
export function removeJournal(): void {
  try {
    unlink(JOURNAL_PATH);
  } catch (error) {
    if (!isErrno(error, Errno.ENOENT)) throw new PkgError(`cannot remove the journal: ${describe(error, JOURNAL_PATH)}`);
  }
}

const INTERRUPTING = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP].reduce((mask, sig) => mask | sigbit(sig), 0) >>> 0;

/**
 * Runs `work` with ^C, ^Z, kill's default and a hang-up held back; they act (if still pending)
 * once it returns, after what it printed is flushed, so the user still learns what was done.
 */
export function withSignalsBlocked<T>(work: () => T): T {
  const old = sigprocmask(SIG_BLOCK, INTERRUPTING);
  try {
    return work();
  } finally {
    flushAll();
    sigprocmask(SIG_SETMASK, old);
  }
}
