/**
 * Open flags, file modes, seek origins, wait options and other flag words shared by the kernel,
 * the schemes and libc. Open flag values follow Redox's syscall crate.
 */

export const O_RDONLY = 0x0001_0000;
export const O_WRONLY = 0x0002_0000;
export const O_RDWR = 0x0003_0000;
export const O_ACCMODE = 0x0003_0000;
export const O_NONBLOCK = 0x0004_0000;
export const O_APPEND = 0x0008_0000;
export const O_CLOEXEC = 0x0100_0000;
export const O_CREAT = 0x0200_0000;
export const O_TRUNC = 0x0400_0000;
export const O_EXCL = 0x0800_0000;
export const O_DIRECTORY = 0x1000_0000;
export const O_STAT = 0x2000_0000;
export const O_SYMLINK = 0x4000_0000;
/** The low 16 bits of the open flags word carry the mode for O_CREAT. */
export const O_MODE_MASK = 0xffff;

export function canRead(flags: number): boolean {
  return (flags & O_RDONLY) !== 0;
}
export function canWrite(flags: number): boolean {
  return (flags & O_WRONLY) !== 0;
}

export const S_IFMT = 0xf000;
export const S_IFIFO = 0x1000;
export const S_IFCHR = 0x2000;
export const S_IFBLK = 0x6000;
export const S_IFDIR = 0x4000;
export const S_IFREG = 0x8000;
export const S_IFLNK = 0xa000;
export const S_IFSOCK = 0xc000;
export const S_PERM = 0o7777;

export const SEEK_SET = 0;
export const SEEK_CUR = 1;
export const SEEK_END = 2;

export const WNOHANG = 1;
export const WUNTRACED = 2;

/** Directory entry types in getdents records (the DT_* values of POSIX). */
export const DT_UNKNOWN = 0;
export const DT_FIFO = 1;
export const DT_CHR = 2;
export const DT_BLK = 6;
export const DT_DIR = 4;
export const DT_REG = 8;
export const DT_LNK = 10;

export function dtypeOfMode(mode: number): number {
  switch (mode & S_IFMT) {
    case S_IFDIR: return DT_DIR;
    case S_IFREG: return DT_REG;
    case S_IFLNK: return DT_LNK;
    case S_IFIFO: return DT_FIFO;
    case S_IFCHR: return DT_CHR;
    default: return DT_UNKNOWN;
  }
}

/** Readiness bits used by the event scheme and by scheme `poll`. */
export const EVENT_READ = 1;
export const EVENT_WRITE = 2;

export const F_GETFD = 1;
export const F_SETFD = 2;
export const F_GETFL = 3;
export const F_SETFL = 4;
export const FD_CLOEXEC = 1;

export const CLOCK_REALTIME = 0;
export const CLOCK_MONOTONIC = 1;

export const SIG_BLOCK = 0;
export const SIG_UNBLOCK = 1;
export const SIG_SETMASK = 2;

/** futimens seconds values: set that time to now / leave it unchanged. */
export const UTIME_NOW = -1;
export const UTIME_OMIT = -2;

export const FUTEX_WAIT = 0;
export const FUTEX_WAKE = 1;
