/**
 * Files and directories for TypeScript programs: thin typed wrappers over the syscalls plus the
 * loops C programmers expect from a libc (whole writes, whole-file reads, directory listing).
 */
import { concatBytes } from '../syscall/bytes.ts';
import { decodeDirents, type Dirent } from '../syscall/dirent.ts';
import { Errno, SysError } from '../syscall/errno.ts';
import {
  O_CREAT, O_DIRECTORY, O_RDONLY, O_STAT, O_SYMLINK, O_TRUNC, O_WRONLY, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, SEEK_SET, UTIME_NOW,
  UTIME_OMIT,
} from '../syscall/flags.ts';
import { IO_MAX } from '../syscall/slot.ts';
import { decodeStat, type FileTimes, type Stat, type StatVfs } from '../syscall/stat.ts';
import { readMappedView } from './file_map.ts';
import { syscall } from './syscall.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const open = (path: string, flags: number, mode = 0o644): number => syscall('open', path, flags | (flags & O_CREAT ? mode & 0o7777 : 0));
export const close = (fd: number): number => syscall('close', fd);
/** Up to `count` bytes; a regular file whose daemon shares its page cache is read from it (file_map.ts). */
export function read(fd: number, count: number): Uint8Array {
  return readMappedView(fd, count)?.slice() ?? syscall('read', fd, count);
}
export const lseek = (fd: number, offset: number, whence = SEEK_SET): number => syscall('lseek', fd, offset, whence);
export const fsync = (fd: number): number => syscall('fsync', fd);
export const ftruncate = (fd: number, length: number): number => syscall('ftruncate', fd, length);
export const dup = (fd: number): number => syscall('dup', fd);
export const dup2 = (fd: number, newFd: number): number => syscall('dup2', fd, newFd);
export const pipe = (flags = 0): [number, number] => [...syscall('pipe', flags)] as [number, number];
export const fpath = (fd: number): string => syscall('fpath', fd);
export const fcntl = (fd: number, command: number, arg = 0): number => syscall('fcntl', fd, command, arg);
export const mkdir = (path: string, mode = 0o755): number => syscall('mkdir', path, mode);
export const rmdir = (path: string): number => syscall('rmdir', path);
export const unlink = (path: string): number => syscall('unlink', path);
export const rename = (from: string, to: string): number => syscall('rename', from, to);
export const link = (from: string, to: string): number => syscall('link', from, to);
export const symlink = (target: string, path: string): number => syscall('symlink', target, path);
export const readlink = (path: string): string => syscall('readlink', path);
export const chdir = (path: string): number => syscall('chdir', path);
export const getcwd = (): string => syscall('getcwd');
export const chmod = (path: string, mode: number): number => syscall('chmod', path, mode);
export const chown = (path: string, uid: number, gid: number): number => syscall('chown', path, uid, gid);
export const fchmod = (fd: number, mode: number): number => syscall('fchmod', fd, mode);
export const fchown = (fd: number, uid: number, gid: number): number => syscall('fchown', fd, uid, gid);

/** Writes all of `data` (a single write may be short on a pipe or a large buffer). */
/**
 * Writes all of `data`. A call interrupted by a handled signal (EINTR) before any byte moved
 * fails with EINTR; once some bytes have gone out it goes on after the handler ran, since
 * failing then would hide how much was written.
 */
export function write(fd: number, data: Uint8Array | string): number {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  let done = 0;
  while (done < bytes.length) {
    let n: number;
    try {
      n = syscall('write', fd, bytes.subarray(done, done + IO_MAX));
    } catch (error) {
      if (done > 0 && error instanceof SysError && error.errno === Errno.EINTR) continue;
      throw error;
    }
    if (n <= 0) throw new SysError(Errno.EIO, `write to fd ${fd} made no progress`);
    done += n;
  }
  return done;
}

export const fstatvfs = (fd: number): StatVfs => syscall('fstatvfs', fd) as StatVfs;

export function statvfs(path: string): StatVfs {
  const fd = open(path, O_RDONLY | O_STAT);
  try {
    return fstatvfs(fd);
  } finally {
    close(fd);
  }
}

/** Sets a file's access and modification times: a time, 'now', or undefined to leave it. */
export function futimens(fd: number, times: FileTimes): number {
  const parts = [times.atime, times.mtime].flatMap((t) => (t === 'now' ? [UTIME_NOW, 0] : t === undefined ? [UTIME_OMIT, 0] : [t.sec, t.nsec]));
  return syscall('futimens', fd, parts[0]!, parts[1]!, parts[2]!, parts[3]!);
}

export function utimens(path: string, times: FileTimes, follow = true): void {
  const fd = open(path, O_RDONLY | O_STAT | (follow ? 0 : O_SYMLINK));
  try {
    futimens(fd, times);
  } finally {
    close(fd);
  }
}

export function fstat(fd: number): Stat {
  return decodeStat(syscall('fstat', fd));
}

function statWith(path: string, flags: number): Stat {
  const fd = open(path, O_RDONLY | O_STAT | flags);
  try {
    return fstat(fd);
  } finally {
    close(fd);
  }
}

export const stat = (path: string): Stat => statWith(path, 0);
export const lstat = (path: string): Stat => statWith(path, O_SYMLINK);

export const isDirectory = (s: Stat): boolean => (s.mode & S_IFMT) === S_IFDIR;
export const isRegular = (s: Stat): boolean => (s.mode & S_IFMT) === S_IFREG;
export const isSymlink = (s: Stat): boolean => (s.mode & S_IFMT) === S_IFLNK;

export function exists(path: string): boolean {
  try {
    stat(path);
    return true;
  } catch (error) {
    if (error instanceof SysError && (error.errno === Errno.ENOENT || error.errno === Errno.ENOTDIR)) return false;
    throw error;
  }
}

export function readAll(fd: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (let chunk = read(fd, IO_MAX); chunk.length > 0; chunk = read(fd, IO_MAX)) chunks.push(chunk);
  return concatBytes(chunks);
}

export function readFile(path: string): Uint8Array {
  const fd = open(path, O_RDONLY);
  try {
    return readAll(fd);
  } finally {
    close(fd);
  }
}

export const readTextFile = (path: string): string => decoder.decode(readFile(path));

export function writeFile(path: string, data: Uint8Array | string, mode = 0o644): void {
  const fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
  try {
    write(fd, data);
  } finally {
    close(fd);
  }
}

export function readdir(path: string): Dirent[] {
  const fd = open(path, O_RDONLY | O_DIRECTORY);
  try {
    const out: Dirent[] = [];
    for (;;) {
      const chunk = syscall('getdents', fd, 32 * 1024);
      if (chunk.length === 0) return out;
      out.push(...decodeDirents(chunk));
    }
  } finally {
    close(fd);
  }
}

export function isatty(fd: number): boolean {
  try {
    const path = fpath(fd);
    return path === '/scheme/debug' || path.startsWith('/scheme/pty/');
  } catch {
    return false;
  }
}
