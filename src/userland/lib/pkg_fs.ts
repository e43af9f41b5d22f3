/**
 * Small file helpers shared by pkg's transaction and journal (docs/packages.md §4): every errno
 * becomes a PkgError that names the path, so each failure reaches the user as one clear line.
 */
import { Errno, O_RDONLY, O_STAT, SysError, close, fsync, mkdir, open, strerror } from '../../libc/index.ts';
import { PkgError } from './pkg_sources.ts';

/** `path: reason` for an errno, the message itself for anything else. */
export function describe(error: unknown, path?: string): string {
  if (error instanceof SysError) return path === undefined ? strerror(error.errno) : `${path}: ${strerror(error.errno)}`;
  return error instanceof Error ? error.message : String(error);
}

/** Runs a file operation; an errno becomes a PkgError naming the path. */
export function onPath<T>(path: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof SysError) throw new PkgError(describe(error, path));
    throw error;
  }
}

export function isErrno(error: unknown, ...codes: number[]): boolean {
  return error instanceof SysError && codes.includes(error.errno);
}

/** Makes `dir` and its parents (0755) as needed; an existing file in the way fails later with ENOTDIR. */
export function ensureDirectory(dir: string): void {
  const parts = dir.split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const path = '/' + parts.slice(0, i).join('/');
    try {
      mkdir(path, 0o755);
    } catch (error) {
      if (!isErrno(error, Errno.EEXIST)) throw new PkgError(describe(error, path));
    }
  }
}

/** fsync on the root makes redoxfsd commit the whole volume before it answers. */
export function syncRoot(): void {
  onPath('/', () => {
    const fd = open('/', O_RDONLY | O_STAT);
    try {
      fsync(fd);
    } finally {
      close(fd);
    }
  });
}
