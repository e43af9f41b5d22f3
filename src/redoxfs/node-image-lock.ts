/**
 * NODE-ONLY. An advisory lock on a disk image, so two writers (two machines, or a machine and the
 * host tool) never open one image at once: `IMAGE.lock` holds the writer's pid.
 *
 * Taking it is atomic: the pid is written to a temporary file first, which is then hard-linked to
 * the lock's name (link fails with EEXIST when the lock exists), so a lock file is never seen
 * half-written. A lock whose pid is gone is stale and is taken over under a per-lock takeover
 * file (`IMAGE.lock.takeover-INODE`, made with O_EXCL): only the taker that makes it may replace
 * that stale lock, which it does by renaming its own temporary file over it after checking again
 * that the lock is still the same stale one; it then checks that the lock is its file (by inode).
 * An empty or unreadable lock is treated as held (a clear error says so), never as stale.
 *
 * One process holds a lock once: a second lockImage of the same image in the same process is
 * refused (two machines in one process must not share an image). The one re-entry: a lock taken
 * with `lendToWorkers` (the machine's host thread, src/host/node/boot.ts) may be taken again by a
 * Worker thread started after it (the machine's kernel Worker, which opens the disk); that
 * re-entry's release does nothing, the lender releases.
 */
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { getEnvironmentData, isMainThread, setEnvironmentData } from 'node:worker_threads';
import { FsError } from './errors.ts';

/** The image is locked by someone else: `holder` is its pid, or null when the lock file is empty or unreadable. */
export class ImageLockedError extends FsError {
  constructor(readonly image: string, readonly lockPath: string, readonly holder: number | null, message: string) {
    super('EBUSY', message);
  }
}

export interface LockOptions {
  /** Worker threads started while the lock is held may take it again (see above). */
  lendToWorkers?: boolean;
}

const LENT_KEY = 'redox-ts:lent-image-locks';

function lent(): string[] {
  const value = getEnvironmentData(LENT_KEY);
  return Array.isArray(value) ? (value as string[]) : [];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

let serial = 0;

/** What the lock file says: its inode and pid; null when it is gone; pid null when empty or not a pid. */
function readLock(lockPath: string): { ino: number; pid: number | null } | null {
  try {
    const { ino } = statSync(lockPath);
    const text = readFileSync(lockPath, 'utf8');
    const pid = /^\d+\n?$/.test(text) ? Number(text.trim()) : null;
    // The file changed between the two reads: report it as unreadable this time, the caller retries.
    if (statSync(lockPath).ino !== ino) return { ino: -1, pid: null };
    return { ino, pid: pid !== null && pid > 0 ? pid : null };
  } catch (error) {
    if (code(error) === 'ENOENT') return null;
    return { ino: -1, pid: null };
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (code(error) !== 'ENOENT') throw error;
  }
}

/** Takes the lock on `image` for this process; returns the function that releases it. */
export function lockImage(image: string, options: LockOptions = {}): () => void {
  const lockPath = `${image}.lock`;
  const key = resolve(image);
  const temporary = `${lockPath}.${process.pid}.${Date.now().toString(36)}.${serial++}.tmp`;
  writeFileSync(temporary, `${process.pid}\n`, { flag: 'wx' });
  const mine = statSync(temporary).ino;
  const held = (): () => void => {
    if (options.lendToWorkers && isMainThread) setEnvironmentData(LENT_KEY, [...lent(), key]);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (options.lendToWorkers && isMainThread) {
        const rest = lent();
        rest.splice(rest.indexOf(key), 1);
        setEnvironmentData(LENT_KEY, rest);
      }
      try {
        if (statSync(lockPath).ino === mine) unlinkSync(lockPath);
      } catch (error) {
        if (code(error) !== 'ENOENT') throw error;
      }
    };
  };
  let unreadableSince: number | null = null;
  let busyTakeover: string | null = null;
  try {
    for (let attempt = 0; attempt < 500; attempt++) {
      try {
        linkSync(temporary, lockPath);
        return held();
      } catch (error) {
        if (code(error) !== 'EEXIST') throw error;
      }
      const lock = readLock(lockPath);
      if (lock === null) continue; // released meanwhile: try again
      if (lock.pid === null) {
        // An empty lock is never stale: a writer of an older form may be between creating and
        // writing it. Give it a moment, then refuse.
        unreadableSince ??= Date.now();
        if (Date.now() - unreadableSince < 500) {
          sleep(10);
          continue;
        }
        throw new ImageLockedError(image, lockPath, null, `${image} is locked: its lock file ${lockPath} is empty or unreadable (being made, or damaged); if no machine or tool is using the image, remove ${lockPath}`);
      }
      if (lock.pid === process.pid) {
        if (!isMainThread && lent().includes(key)) {
          // The machine's kernel Worker re-entering the lock its host thread holds for it.
          unlinkQuietly(temporary);
          return () => undefined;
        }
        throw new ImageLockedError(image, lockPath, lock.pid, `${image} is in use by process ${lock.pid} (this process: another machine or writer in it holds ${lockPath})`);
      }
      if (alive(lock.pid)) {
        throw new ImageLockedError(image, lockPath, lock.pid, `${image} is in use by process ${lock.pid} (${lockPath})`);
      }
      // Stale: only the taker that makes this lock's takeover file may replace it.
      const takeover = `${lockPath}.takeover-${lock.ino}`;
      try {
        closeSync(openSync(takeover, 'wx'));
      } catch (error) {
        if (code(error) !== 'EEXIST') throw error;
        busyTakeover = takeover;
        sleep(5); // another taker is replacing this stale lock: look again once it has
        continue;
      }
      try {
        const again = readLock(lockPath);
        if (again !== null && again.ino === lock.ino && again.pid === lock.pid) {
          renameSync(temporary, lockPath);
          if (readLock(lockPath)?.ino === mine) return held();
          throw new FsError('EBUSY', `cannot lock ${image}: ${lockPath} changed while its stale lock was replaced`);
        }
      } finally {
        unlinkQuietly(takeover);
      }
    }
    if (busyTakeover !== null) {
      throw new ImageLockedError(image, lockPath, null, `${image} is locked: its stale lock ${lockPath} is being taken over by another process (${busyTakeover} exists) that has not finished; if none is running, remove ${busyTakeover}`);
    }
    throw new FsError('EBUSY', `cannot lock ${image}: ${lockPath} kept changing`);
  } finally {
    unlinkQuietly(temporary);
  }
}
