/**
 * Open file descriptions and the per-process fd table of the Linux backend. A description is
 * shared by every fd that dup/dup2/spawn made from one open (reference counted, closed on the
 * host when the last reference goes) and carries our own file offset, so reads and writes use
 * explicit positions on the host fd and dup'ed fds share the offset as POSIX says.
 * Kinds: a host file (regular: offset tracked; anything else, such as an inherited terminal or
 * pipe: the host's own position), a directory (listed with a cursor for getdents), an O_STAT
 * handle (a path, for fstat), one end of an in-process pipe, or an emulated device
 * (/scheme/null, /scheme/zero, /scheme/rand).
 */
import { closeSync, type BigIntStats } from 'node:fs';
import { Errno, SysError } from '../../syscall/errno.ts';
import { makeStat, type Stat } from '../../syscall/stat.ts';
import type { Dirent } from '../../syscall/dirent.ts';
import type { LinuxPipe } from './pipe.ts';

export const OPEN_MAX = 1024;

interface Common {
  /** Redox open flags (src/syscall/flags.ts), access mode included; F_SETFL changes O_NONBLOCK/O_APPEND. */
  flags: number;
  refs: number;
  /** The canonical path it was opened by, as fpath reports it. */
  path: string;
}

export type Description = Common &
  (
    | { kind: 'file'; hostFd: number; hostPath: string | null; seekable: boolean; offset: number; owned: boolean }
    | { kind: 'dir'; hostPath: string; entries: Dirent[] | null; cursor: number }
    | { kind: 'stat'; hostPath: string; follow: boolean }
    | { kind: 'pipe'; pipe: LinuxPipe; end: 'read' | 'write' }
    | { kind: 'device'; device: 'null' | 'zero' | 'rand' }
  );

/** Drops one reference; the last one closes the host fd or the pipe end. */
export function releaseDescription(desc: Description): void {
  if (--desc.refs > 0) return;
  if (desc.kind === 'file' && desc.owned) {
    try {
      closeSync(desc.hostFd);
    } catch {
      // already gone: nothing to release
    }
  } else if (desc.kind === 'pipe') desc.pipe.closeEnd(desc.end);
}

interface Entry {
  desc: Description;
  cloexec: boolean;
}

export class FdTable {
  private readonly entries = new Map<number, Entry>();

  get(fd: number): Entry {
    const entry = Number.isInteger(fd) ? this.entries.get(fd) : undefined;
    if (!entry) throw new SysError(Errno.EBADF, `fd ${fd}`);
    return entry;
  }

  /** Installs at the lowest free fd (the description's reference is the caller's). */
  install(desc: Description, cloexec: boolean): number {
    for (let fd = 0; fd < OPEN_MAX; fd++) {
      if (!this.entries.has(fd)) {
        this.entries.set(fd, { desc, cloexec });
        return fd;
      }
    }
    throw new SysError(Errno.EMFILE);
  }

  /** Puts `desc` at `fd`, returning what was there (for the caller to release). */
  replace(fd: number, desc: Description, cloexec: boolean): Description | undefined {
    if (!Number.isInteger(fd) || fd < 0 || fd >= OPEN_MAX) throw new SysError(Errno.EBADF, `fd ${fd}`);
    const old = this.entries.get(fd)?.desc;
    this.entries.set(fd, { desc, cloexec });
    return old;
  }

  remove(fd: number): Description {
    const entry = this.get(fd);
    this.entries.delete(fd);
    return entry.desc;
  }

  list(): [number, Entry][] {
    return [...this.entries.entries()];
  }

  removeAll(): Description[] {
    const all = [...this.entries.values()].map((e) => e.desc);
    this.entries.clear();
    return all;
  }
}

const num = (n: bigint): number => Number(n);
const NS = 1_000_000_000n;

/** A host stat (bigint form, nanosecond times) as our Stat record. */
export function statFromHost(s: BigIntStats): Stat {
  return makeStat({
    dev: num(s.dev), ino: num(s.ino), mode: num(s.mode), nlink: num(s.nlink), uid: num(s.uid), gid: num(s.gid),
    rdev: num(s.rdev), size: num(s.size), blksize: num(s.blksize), blocks: num(s.blocks),
    atimeSec: num(s.atimeNs / NS), atimeNsec: num(s.atimeNs % NS),
    mtimeSec: num(s.mtimeNs / NS), mtimeNsec: num(s.mtimeNs % NS),
    ctimeSec: num(s.ctimeNs / NS), ctimeNsec: num(s.ctimeNs % NS),
  });
}

/** The Stat of an emulated device: a character device, mode 0666. */
export function deviceStat(device: string): Stat {
  return makeStat({ mode: 0x2000 | 0o666, nlink: 1, rdev: device === 'null' ? 1 : device === 'zero' ? 2 : 3 });
}
