/**
 * POSIX error numbers, with the values Linux and Redox use, so relibc-style code and WASI
 * translation tables agree on one table. `SysError` is how every layer reports an errno:
 * the kernel dispatcher turns it into the reply slot's error field, and libc rebuilds it.
 */

export const Errno = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, ENXIO: 6, E2BIG: 7, ENOEXEC: 8, EBADF: 9,
  ECHILD: 10, EAGAIN: 11, ENOMEM: 12, EACCES: 13, EFAULT: 14, EBUSY: 16, EEXIST: 17, EXDEV: 18,
  ENODEV: 19, ENOTDIR: 20, EISDIR: 21, EINVAL: 22, ENFILE: 23, EMFILE: 24, ENOTTY: 25,
  EFBIG: 27, ENOSPC: 28, ESPIPE: 29, EROFS: 30, EMLINK: 31, EPIPE: 32, ERANGE: 34,
  EDEADLK: 35, ENAMETOOLONG: 36, ENOSYS: 38, ENOTEMPTY: 39, ELOOP: 40, EOVERFLOW: 75,
  EOPNOTSUPP: 95, ETIMEDOUT: 110,
} as const;

export type ErrnoName = keyof typeof Errno;
export type ErrnoCode = (typeof Errno)[ErrnoName];

const DESCRIPTIONS: Record<ErrnoName, string> = {
  EPERM: 'Operation not permitted', ENOENT: 'No such file or directory', ESRCH: 'No such process',
  EINTR: 'Interrupted system call', EIO: 'I/O error', ENXIO: 'No such device or address',
  E2BIG: 'Argument list too long', ENOEXEC: 'Exec format error', EBADF: 'Bad file descriptor',
  ECHILD: 'No child processes', EAGAIN: 'Resource temporarily unavailable', ENOMEM: 'Out of memory',
  EACCES: 'Permission denied', EFAULT: 'Bad address', EBUSY: 'Device or resource busy',
  EEXIST: 'File exists', EXDEV: 'Cross-device link', ENODEV: 'No such device (scheme)',
  ENOTDIR: 'Not a directory', EISDIR: 'Is a directory', EINVAL: 'Invalid argument',
  ENFILE: 'Too many open files in system', EMFILE: 'Too many open files',
  ENOTTY: 'Inappropriate ioctl for device', EFBIG: 'File too large', ENOSPC: 'No space left on device',
  ESPIPE: 'Illegal seek', EROFS: 'Read-only file system', EMLINK: 'Too many links',
  EPIPE: 'Broken pipe', ERANGE: 'Result out of range', EDEADLK: 'Resource deadlock avoided',
  ENAMETOOLONG: 'File name too long', ENOSYS: 'Function not implemented',
  ENOTEMPTY: 'Directory not empty', ELOOP: 'Too many levels of symbolic links',
  EOVERFLOW: 'Value too large', EOPNOTSUPP: 'Operation not supported', ETIMEDOUT: 'Timed out',
};

const NAMES = new Map<number, ErrnoName>(
  (Object.entries(Errno) as [ErrnoName, number][]).map(([name, code]) => [code, name]),
);

export function errnoName(code: number): string {
  return NAMES.get(code) ?? `E${code}`;
}

export function strerror(code: number): string {
  const name = NAMES.get(code);
  return name ? DESCRIPTIONS[name] : `Unknown error ${code}`;
}

/** An error that carries an errno; thrown by kernel handlers and by libc wrappers. */
export class SysError extends Error {
  readonly errno: number;
  readonly code: string;
  constructor(errno: number, detail?: string) {
    super(detail ? `${detail}: ${strerror(errno)}` : strerror(errno));
    this.name = 'SysError';
    this.errno = errno;
    this.code = errnoName(errno);
  }
}

export function isErrno(error: unknown, name: ErrnoName): boolean {
  return error instanceof SysError && error.errno === Errno[name];
}
