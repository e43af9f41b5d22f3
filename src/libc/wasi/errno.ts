/**
 * errno translation between our ABI (Linux numbering, src/syscall/errno.ts) and WASI preview1.
 * Every import function reports through `wasiErrnoOf`, the one place a thrown SysError (or a
 * WasiError raised by the WASI layer itself) becomes the u16 the wasm program sees.
 */
import { Errno, SysError } from '../../syscall/errno.ts';
import { W, WasiError } from './abi.ts';

const TO_WASI = new Map<number, number>([
  [Errno.EPERM, W.EPERM], [Errno.ENOENT, W.ENOENT], [Errno.ESRCH, W.ESRCH], [Errno.EINTR, W.EINTR],
  [Errno.EIO, W.EIO], [Errno.ENXIO, W.ENXIO], [Errno.E2BIG, W.E2BIG], [Errno.ENOEXEC, W.ENOEXEC],
  [Errno.EBADF, W.EBADF], [Errno.ECHILD, W.ECHILD], [Errno.EAGAIN, W.EAGAIN], [Errno.ENOMEM, W.ENOMEM],
  [Errno.EACCES, W.EACCES], [Errno.EFAULT, W.EFAULT], [Errno.EBUSY, W.EBUSY], [Errno.EEXIST, W.EEXIST],
  [Errno.EXDEV, W.EXDEV], [Errno.ENODEV, W.ENODEV], [Errno.ENOTDIR, W.ENOTDIR], [Errno.EISDIR, W.EISDIR],
  [Errno.EINVAL, W.EINVAL], [Errno.ENFILE, W.ENFILE], [Errno.EMFILE, W.EMFILE], [Errno.ENOTTY, W.ENOTTY],
  [Errno.EFBIG, W.EFBIG], [Errno.ENOSPC, W.ENOSPC], [Errno.ESPIPE, W.ESPIPE], [Errno.EROFS, W.EROFS],
  [Errno.EMLINK, W.EMLINK], [Errno.EPIPE, W.EPIPE], [Errno.ERANGE, W.ERANGE], [Errno.EDEADLK, W.EDEADLK],
  [Errno.ENAMETOOLONG, W.ENAMETOOLONG], [Errno.ENOSYS, W.ENOSYS], [Errno.ENOTEMPTY, W.ENOTEMPTY],
  [Errno.ELOOP, W.ELOOP], [Errno.EOVERFLOW, W.EOVERFLOW], [Errno.EOPNOTSUPP, W.ENOTSUP],
  [Errno.ETIMEDOUT, W.ETIMEDOUT],
]);

const FROM_WASI = new Map<number, number>([...TO_WASI].map(([ours, wasi]) => [wasi, ours]));

/** Our errno → WASI errno (EIO for a number WASI cannot express). */
export const wasiOfErrno = (errno: number): number => TO_WASI.get(errno) ?? W.EIO;

/** WASI errno → ours (EINVAL when ours has no such error). */
export const errnoOfWasi = (wasi: number): number => FROM_WASI.get(wasi) ?? Errno.EINVAL;

/** The WASI errno for an exception thrown by an import function; rethrows what is not an errno. */
export function wasiErrnoOf(error: unknown): number {
  if (error instanceof WasiError) return error.wasiErrno;
  if (error instanceof SysError) return wasiOfErrno(error.errno);
  // A pointer outside the module's memory (our checks and DataView's); other RangeErrors, such
  // as a stack overflow inside a signal handler, are not errnos.
  if (error instanceof RangeError && /bounds/.test(error.message)) return W.EFAULT;
  throw error;
}
