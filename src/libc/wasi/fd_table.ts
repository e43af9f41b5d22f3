/**
 * The WASI descriptor table: WASI fd number → our kernel fd, plus what WASI keeps per descriptor
 * (rights, the absolute path of directories, the preopen name, a directory listing for readdir
 * cookies). Numbers stay equal to the kernel's whenever they can, so fds a C program passes to
 * posix_spawn or dup2 mean the same in a child; the one fixed exception is the preopen of `/`,
 * which must sit at WASI fd 3 because wasi-libc scans for preopens from 3 upward.
 *
 * Each entry owns its kernel fd: closing or replacing an entry closes that kernel fd.
 */
import type { Dirent } from '../../syscall/dirent.ts';
import { O_CLOEXEC, O_DIRECTORY, O_RDONLY, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK } from '../../syscall/flags.ts';
import { decodeStat, type Stat } from '../../syscall/stat.ts';
import { syscall } from '../syscall.ts';
import {
  FILETYPE_BLOCK_DEVICE, FILETYPE_CHARACTER_DEVICE, FILETYPE_DIRECTORY, FILETYPE_REGULAR_FILE, FILETYPE_SOCKET_STREAM,
  FILETYPE_SYMBOLIC_LINK, FILETYPE_UNKNOWN, RIGHTS_DIR, RIGHTS_FILE, RIGHTS_STREAM, W, WasiError,
} from './abi.ts';

export const PREOPEN_FD = 3;
const MAX_FDS = 1024;

export interface FdEntry {
  kfd: number;
  /** Absolute path for directories (path_* resolve against it) and preopens; null if unknown. */
  path: string | null;
  /** The name reported by fd_prestat_dir_name, for preopens only. */
  preopen: string | null;
  filetype: number | null;
  rightsBase: bigint | null;
  rightsInheriting: bigint | null;
  /** Ask the kernel to fsync after each write (FDFLAGS_SYNC/DSYNC/RSYNC). */
  sync: boolean;
  cloexec: boolean;
  /** readdir's snapshot: cookie n is the n-th entry. Taken when a readdir starts at cookie 0. */
  listing: (Dirent & { ino?: number })[] | null;
}

export function newEntry(kfd: number, fields: Partial<FdEntry> = {}): FdEntry {
  return {
    kfd, path: null, preopen: null, filetype: null, rightsBase: null, rightsInheriting: null, sync: false,
    cloexec: false, listing: null, ...fields,
  };
}

export function filetypeOfMode(mode: number): number {
  switch (mode & S_IFMT) {
    case S_IFREG: return FILETYPE_REGULAR_FILE;
    case S_IFDIR: return FILETYPE_DIRECTORY;
    case S_IFCHR: return FILETYPE_CHARACTER_DEVICE;
    case S_IFLNK: return FILETYPE_SYMBOLIC_LINK;
    case S_IFSOCK: return FILETYPE_SOCKET_STREAM;
    case 0x6000: return FILETYPE_BLOCK_DEVICE;
    case S_IFIFO: return FILETYPE_UNKNOWN; // WASI has no FIFO type
    default: return FILETYPE_UNKNOWN;
  }
}

/** Whether a kernel path is a terminal: the console, or (later) a pty. */
export const isTerminalPath = (path: string): boolean => path === '/scheme/debug' || path.startsWith('/scheme/pty/');

/**
 * Rights by file type. Terminals and pipes get no seek/tell, which is exactly what wasi-libc's
 * isatty() tests (with the character-device type); other character devices (/scheme/null,
 * /scheme/zero, ...) seek like files, so isatty() is false for them, as on Linux.
 */
export function defaultRights(filetype: number, terminal = false): { base: bigint; inheriting: bigint } {
  if (filetype === FILETYPE_DIRECTORY) return { base: RIGHTS_DIR, inheriting: RIGHTS_DIR | RIGHTS_FILE };
  if (filetype === FILETYPE_REGULAR_FILE || filetype === FILETYPE_BLOCK_DEVICE) return { base: RIGHTS_FILE, inheriting: 0n };
  if (filetype === FILETYPE_CHARACTER_DEVICE && !terminal) return { base: RIGHTS_FILE, inheriting: 0n };
  return { base: RIGHTS_STREAM, inheriting: 0n };
}

export const kernelFstat = (kfd: number): Stat => decodeStat(syscall('fstat', kfd));

export class FdTable {
  private readonly entries = new Map<number, FdEntry>();
  private readonly internal = new Set<number>();

  /** Builds the table a new process starts with: its inherited fds and the preopen of `/`. */
  static boot(): FdTable {
    const table = new FdTable();
    const inherited = inheritedKernelFds();
    const root = syscall('open', '/', O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    table.entries.set(PREOPEN_FD, newEntry(root, { path: '/', preopen: '/', cloexec: true }));
    for (const kfd of inherited) table.place(newEntry(kfd));
    return table;
  }

  get(fd: number): FdEntry {
    const entry = this.entries.get(fd);
    if (!entry) throw new WasiError(W.EBADF, `fd ${fd}`);
    return entry;
  }

  has(fd: number): boolean {
    return this.entries.has(fd);
  }

  list(): [number, FdEntry][] {
    return [...this.entries];
  }

  /** Puts an entry at the WASI number equal to its kernel fd if free, else at the lowest free number. */
  place(entry: FdEntry): number {
    let fd = entry.kfd;
    if (this.entries.has(fd) || fd >= MAX_FDS) fd = this.lowestFree(0);
    this.entries.set(fd, entry);
    return fd;
  }

  lowestFree(from: number): number {
    for (let fd = from; fd < MAX_FDS; fd++) if (!this.entries.has(fd)) return fd;
    throw new WasiError(W.EMFILE);
  }

  /** Whether the runtime or some entry other than `except` holds kernel fd `kfd`. */
  kernelFdTaken(kfd: number, except?: number): boolean {
    if (this.internal.has(kfd)) return true;
    for (const [fd, entry] of this.entries) if (fd !== except && entry.kfd === kfd) return true;
    return false;
  }

  /** Removes the entry and closes its kernel fd. */
  close(fd: number): void {
    const entry = this.get(fd);
    this.entries.delete(fd);
    syscall('close', entry.kfd);
  }

  /** Installs `entry` at `fd`, closing whatever was there (unless it shares the kernel fd). */
  replace(fd: number, entry: FdEntry): void {
    const old = this.entries.get(fd);
    this.entries.set(fd, entry);
    if (old && old.kfd !== entry.kfd) syscall('close', old.kfd);
  }

  /** Moves `from` onto `to` (which must exist), closing `to`'s kernel fd unless the entry now holds it. */
  renumber(from: number, to: number): void {
    const entry = this.get(from);
    const old = this.get(to);
    this.entries.delete(from);
    this.entries.set(to, entry);
    if (old.kfd !== entry.kfd) syscall('close', old.kfd);
  }

  /** Marks a kernel fd the runtime uses for itself (rand, event queue, timers): never a WASI target. */
  reserve(kfd: number): number {
    this.internal.add(kfd);
    return kfd;
  }

  /** Type and rights, fetched from the kernel the first time they are needed. */
  describe(entry: FdEntry): { filetype: number; base: bigint; inheriting: bigint } {
    if (entry.filetype === null) entry.filetype = filetypeOfMode(kernelFstat(entry.kfd).mode);
    if (entry.rightsBase === null || entry.rightsInheriting === null) {
      const terminal = entry.filetype === FILETYPE_CHARACTER_DEVICE && isTerminalPath(syscall('fpath', entry.kfd));
      const rights = defaultRights(entry.filetype, terminal);
      entry.rightsBase ??= rights.base;
      entry.rightsInheriting ??= rights.inheriting;
    }
    return { filetype: entry.filetype, base: entry.rightsBase!, inheriting: entry.rightsInheriting! };
  }

  /** Throws ENOTCAPABLE unless the descriptor holds every right in `needed`. */
  check(fd: number, needed: bigint): FdEntry {
    const entry = this.get(fd);
    const base = entry.rightsBase ?? this.describe(entry).base;
    if ((base & needed) !== needed) throw new WasiError(W.ENOTCAPABLE, `fd ${fd} lacks rights`);
    return entry;
  }
}

/** The kernel fds this process inherited, from /scheme/proc/self/fds (0, 1, 2 if that is unreadable). */
function inheritedKernelFds(): number[] {
  let fd = -1;
  try {
    fd = syscall('open', '/scheme/proc/self/fds', O_RDONLY | O_CLOEXEC);
    let text = '';
    for (;;) {
      const chunk = syscall('read', fd, 65536);
      if (chunk.length === 0) break;
      text += new TextDecoder().decode(chunk);
    }
    return text.split('\n').map((line) => Number.parseInt(line, 10)).filter((n) => Number.isInteger(n) && n !== fd);
  } catch {
    return [0, 1, 2];
  } finally {
    if (fd >= 0) syscall('close', fd);
  }
}
