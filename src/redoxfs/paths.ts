/**
 * Path resolution on top of the inode operations, for the host tool and the daemon: absolute
 * or relative to a directory inode, `.`/`..`, symlinks followed (at most 40, then ELOOP), the
 * last component optionally not followed (lstat, unlink, rename).
 */

import { FsError } from './errors.ts';
import { ROOT_INO, S_IFDIR, S_IFLNK, S_IFMT } from './format.ts';
import type { RedoxFS } from './fs.ts';

export interface ResolveOptions {
  /** Directory inode a relative path starts from (default: the root). */
  cwd?: number;
  /** Follow a symlink in the last component (default true). */
  followLast?: boolean;
}

const MAX_SYMLINKS = 40;
const PATH_MAX = 4096;

function components(path: string): string[] {
  if (path.length > PATH_MAX) throw new FsError('ENAMETOOLONG', `path longer than ${PATH_MAX} bytes`);
  return path.split('/').filter((c) => c !== '' && c !== '.');
}

/** The inode a path names. */
export function resolve(fs: RedoxFS, path: string, options: ResolveOptions = {}): number {
  const budget = { links: MAX_SYMLINKS };
  return walk(fs, path, path.startsWith('/') ? ROOT_INO : options.cwd ?? ROOT_INO, options.followLast ?? true, budget);
}

function walk(fs: RedoxFS, path: string, start: number, followLast: boolean, budget: { links: number }): number {
  const parts = components(path);
  let dir = path.startsWith('/') ? ROOT_INO : start;
  let ino = dir;
  for (let i = 0; i < parts.length; i++) {
    ino = fs.lookup(dir, parts[i]!);
    const last = i === parts.length - 1;
    if ((fs.getattr(ino).mode & S_IFMT) === S_IFLNK && (!last || followLast)) {
      if (--budget.links < 0) throw new FsError('ELOOP', `${path}: too many levels of symbolic links`);
      ino = walk(fs, fs.readlink(ino), dir, true, budget);
    }
    dir = ino;
  }
  return ino;
}

/** The directory inode and final name of a path that is to be created, removed or renamed. */
export function resolveParent(fs: RedoxFS, path: string, options: { cwd?: number } = {}): { dir: number; name: string } {
  const parts = components(path);
  const name = parts.pop();
  if (name === undefined || name === '..') throw new FsError('EINVAL', `${path}: names no entry`);
  const prefix = (path.startsWith('/') ? '/' : '') + parts.join('/');
  const dir = resolve(fs, prefix === '' ? '.' : prefix, { cwd: options.cwd, followLast: true });
  if ((fs.getattr(dir).mode & S_IFMT) !== S_IFDIR) throw new FsError('ENOTDIR', `${prefix}: not a directory`);
  return { dir, name };
}
