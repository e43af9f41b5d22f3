/**
 * Small pieces every scheme daemon's handles need, written once: where a seek lands, and one
 * getdents reply from a list of names. Daemon side of the scheme protocol, beside scheme.ts.
 */
import { encodeDirents } from '../syscall/dirent.ts';
import { Errno, SysError } from '../syscall/errno.ts';
import { SEEK_CUR, SEEK_END, SEEK_SET } from '../syscall/flags.ts';

/** The offset a seek moves a handle to (`size`: where SEEK_END counts from); EINVAL if it would be negative. */
export function seekTarget(current: number, offset: number, whence: number, size: number): number {
  const base = whence === SEEK_SET ? 0 : whence === SEEK_CUR ? current : whence === SEEK_END ? size : NaN;
  if (!(base + offset >= 0)) throw new SysError(Errno.EINVAL);
  return base + offset;
}

/**
 * One getdents reply: the entries of `names` from index `cursor`, as many as fit in
 * `maxBytes`, each of `type`. Returns the bytes and the new cursor.
 */
export function listingReply(names: readonly string[], cursor: number, maxBytes: number, type: number): { bytes: Uint8Array; cursor: number } {
  const rest = names.slice(cursor);
  const { bytes, count } = encodeDirents(rest.map((name) => ({ name, type })), maxBytes);
  if (count === 0 && rest.length > 0) throw new SysError(Errno.EINVAL, 'buffer too small for a directory entry');
  return { bytes, cursor: cursor + count };
}
