/**
 * FsError: the one way the RedoxFS library reports failure. Every error carries a POSIX errno
 * name (`code`) so the daemon can map it to a number in one place, a message that names the
 * path, inode or block involved, and for EIO the block address that failed its checksum.
 * Anything else thrown out of the library is a bug.
 */

export type FsErrorCode =
  | 'ENOENT' | 'EEXIST' | 'ENOTDIR' | 'EISDIR' | 'ENOTEMPTY' | 'EIO' | 'ENOSPC' | 'EROFS'
  | 'EINVAL' | 'ENAMETOOLONG' | 'EXDEV' | 'EACCES' | 'EPERM' | 'EMLINK' | 'EFBIG' | 'EBUSY'
  | 'ELOOP' | 'EBADF';

export class FsError extends Error {
  override readonly name = 'FsError';
  constructor(
    readonly code: FsErrorCode,
    message: string,
    /** The block whose checksum or structure was wrong, for EIO. */
    readonly block?: number,
  ) {
    super(`${code}: ${message}`);
  }
}

export function isFsError(e: unknown, code?: FsErrorCode): e is FsError {
  return e instanceof FsError && (code === undefined || e.code === code);
}

/** A corrupt or unexpected block: always EIO naming the block. */
export function corrupt(block: number, why: string): FsError {
  return new FsError('EIO', `block ${block}: ${why}`, block);
}
