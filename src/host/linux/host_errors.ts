/**
 * Host errors to our errnos: a node:fs / node:child_process error carries a POSIX code name
 * (`ENOENT`, ...); it becomes the SysError with that name's number in src/syscall/errno.ts
 * (Linux and Redox share the values), or EIO for a code our table does not have.
 */
import { Errno, SysError, type ErrnoName } from '../../syscall/errno.ts';

export function toSysError(error: unknown): unknown {
  if (error instanceof SysError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string') {
    const mapped = code === 'ENOTSUP' ? 'EOPNOTSUPP' : code === 'EWOULDBLOCK' ? 'EAGAIN' : code;
    if (mapped in Errno) return new SysError(Errno[mapped as ErrnoName], (error as Error).message);
    return new SysError(Errno.EIO, (error as Error).message);
  }
  return error;
}

/** Runs a host call, rethrowing host errors as SysErrors. */
export function host<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw toSysError(error);
  }
}
