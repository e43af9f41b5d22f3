/**
 * The `wasi_snapshot_preview1` import object, every function of it, implemented on our syscalls
 * in user space (as relibc implements POSIX on Redox calls). Each function validates its
 * descriptor and rights through the FdTable, translates arguments, makes the syscalls and
 * writes results into the module's memory; the `edge` wrapper turns any SysError or WasiError
 * into the WASI errno it returns. What cannot be done on this OS answers an honest errno and is
 * listed in docs/libc.md (sock_*: ENOTSOCK).
 */
import { decodeDirents } from '../../syscall/dirent.ts';
import {
  F_GETFL, F_SETFL, O_APPEND, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_NONBLOCK, O_RDONLY, O_STAT, O_SYMLINK,
  O_TRUNC, O_WRONLY, SEEK_CUR, SEEK_SET, S_IFLNK, S_IFMT, UTIME_NOW, UTIME_OMIT,
} from '../../syscall/flags.ts';
import { IO_MAX } from '../../syscall/slot.ts';
import type { Stat } from '../../syscall/stat.ts';
import { exit, getpid } from '../process.ts';
import { readMappedView } from '../file_map.ts';
import { syscall } from '../syscall.ts';
import {
  FDFLAGS_APPEND, FDFLAGS_DSYNC, FDFLAGS_NONBLOCK, FDFLAGS_RSYNC, FDFLAGS_SYNC, FILETYPE_DIRECTORY,
  FSTFLAGS_ATIM, FSTFLAGS_ATIM_NOW, FSTFLAGS_MTIM, FSTFLAGS_MTIM_NOW, LOOKUP_SYMLINK_FOLLOW, OFLAGS_CREAT,
  OFLAGS_DIRECTORY, OFLAGS_EXCL, OFLAGS_TRUNC, PREOPENTYPE_DIR, R, W, WasiError, WHENCE_END, linuxSignalOfWasi,
} from './abi.ts';
import type { WasiContext } from './context.ts';
import { wasiErrnoOf } from './errno.ts';
import { filetypeOfMode, kernelFstat, newEntry } from './fd_table.ts';
import { pollOneoff } from './poll.ts';

const SYNC_FLAGS = FDFLAGS_SYNC | FDFLAGS_DSYNC | FDFLAGS_RSYNC;

type ListedEntry = { name: string; type: number; ino?: number };
const encoder = new TextEncoder();

/** Wraps an import: returns 0, or the errno of what it threw. */
export function edge<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => number {
  return (...args: A): number => {
    try {
      fn(...args);
      return W.SUCCESS;
    } catch (error) {
      return wasiErrnoOf(error);
    }
  };
}


const nsOf = (sec: number, nsec: number): bigint => BigInt(Math.trunc(sec)) * 1_000_000_000n + BigInt(Math.trunc(nsec));

function writeFilestat(ctx: WasiContext, ptr: number, st: Stat): void {
  const m = ctx.memory;
  m.setU64(ptr, st.dev);
  m.setU64(ptr + 8, st.ino);
  m.setU8(ptr + 16, filetypeOfMode(st.mode));
  m.setU64(ptr + 24, st.nlink);
  m.setU64(ptr + 32, st.size);
  m.setU64(ptr + 40, nsOf(st.atimeSec, st.atimeNsec));
  m.setU64(ptr + 48, nsOf(st.mtimeSec, st.mtimeNsec));
  m.setU64(ptr + 56, nsOf(st.ctimeSec, st.ctimeNsec));
}

function statPath(path: string, follow: boolean): Stat {
  const fd = syscall('open', path, O_RDONLY | O_STAT | O_CLOEXEC | (follow ? 0 : O_SYMLINK));
  try {
    return kernelFstat(fd);
  } finally {
    syscall('close', fd);
  }
}

/** The WASI time flags as our futimens arguments: [atime sec, nsec, mtime sec, nsec]. */
function timesFor(atim: bigint, mtim: bigint, flags: number): [number, number, number, number] {
  if ((flags & FSTFLAGS_ATIM && flags & FSTFLAGS_ATIM_NOW) || (flags & FSTFLAGS_MTIM && flags & FSTFLAGS_MTIM_NOW)) {
    throw new WasiError(W.EINVAL, 'both a time and NOW');
  }
  const one = (time: bigint, set: number, now: number): [number, number] =>
    flags & now ? [UTIME_NOW, 0] : flags & set ? [Number(time / 1_000_000_000n), Number(time % 1_000_000_000n)] : [UTIME_OMIT, 0];
  return [...one(atim, FSTFLAGS_ATIM, FSTFLAGS_ATIM_NOW), ...one(mtim, FSTFLAGS_MTIM, FSTFLAGS_MTIM_NOW)];
}

function setTimes(kfd: number, atim: bigint, mtim: bigint, flags: number): void {
  const [as, an, ms, mn] = timesFor(atim, mtim, flags);
  syscall('futimens', kfd, as, an, ms, mn);
}

/** Reads up to the iovecs' total from kernel fd `kfd` (one syscall) and scatters the bytes. */
function readInto(ctx: WasiContext, kfd: number, iovs: number, count: number): number {
  if (count === 1) {
    // Both read before the syscall: a C signal handler run on its way out may grow memory,
    // which detaches any view taken earlier (ctx.memory refreshes its own on every access).
    const ptr = ctx.memory.u32(iovs);
    const len = ctx.memory.u32(iovs + 4);
    if (len === 0) return 0;
    const data = readMappedView(kfd, len) ?? syscall('read', kfd, Math.min(len, IO_MAX));
    ctx.memory.write(ptr, data);
    return data.length;
  }
  const vecs = ctx.memory.iovecs(iovs, count);
  const total = vecs.reduce((n, v) => n + v.len, 0);
  if (total === 0) return 0;
  const data = readMappedView(kfd, total) ?? syscall('read', kfd, Math.min(total, IO_MAX));
  let at = 0;
  for (const v of vecs) {
    if (at >= data.length) break;
    const n = Math.min(v.len, data.length - at);
    ctx.memory.write(v.ptr, n === data.length ? data : data.subarray(at, at + n));
    at += n;
  }
  return data.length;
}

/** Gathers the iovecs (up to one syscall's worth) and writes them to kernel fd `kfd` once. */
function writeFrom(ctx: WasiContext, kfd: number, iovs: number, count: number, sync: boolean): number {
  if (count === 1) {
    // A copy, not a view of linear memory: a signal handler run on the syscall's way in may grow
    // memory, which would empty a view before its bytes are marshalled.
    const written = syscall('write', kfd, ctx.memory.slice(ctx.memory.u32(iovs), Math.min(ctx.memory.u32(iovs + 4), IO_MAX)).slice());
    if (sync) syscall('fsync', kfd);
    return written;
  }
  const vecs = ctx.memory.iovecs(iovs, count);
  const total = Math.min(vecs.reduce((n, v) => n + v.len, 0), IO_MAX);
  const data = new Uint8Array(total);
  let at = 0;
  for (const v of vecs) {
    if (at >= total) break;
    const n = Math.min(v.len, total - at);
    data.set(ctx.memory.slice(v.ptr, n), at);
    at += n;
  }
  const written = syscall('write', kfd, data);
  if (sync) syscall('fsync', kfd);
  return written;
}

/**
 * Serialises directory entries from `cookie` on into the caller's buffer (the last may be cut).
 * getdents carries no inode, so each entry returned is lstat'ed once for d_ino (code that skips
 * entries whose d_ino is 0 must not see them vanish).
 */
function fillDirents(ctx: WasiContext, dir: string, names: ListedEntry[], cookie: number, buf: number, len: number): number {
  let used = 0;
  for (let i = cookie; i < names.length && used < len; i++) {
    const entry = names[i]!;
    const name = encoder.encode(entry.name);
    if (entry.ino === undefined) {
      try {
        entry.ino = statPath(dir === '/' ? `/${entry.name}` : `${dir}/${entry.name}`, false).ino;
      } catch {
        entry.ino = 0; // removed since the listing was taken
      }
    }
    const record = new Uint8Array(24 + name.length);
    const view = new DataView(record.buffer);
    view.setBigUint64(0, BigInt(i + 1), true);
    view.setBigUint64(8, BigInt(entry.ino), true);
    view.setUint32(16, name.length, true);
    view.setUint8(20, filetypeOfDtype(entry.type));
    record.set(name, 24);
    const n = Math.min(record.length, len - used);
    ctx.memory.write(buf + used, record.subarray(0, n));
    used += n;
  }
  return used;
}

function filetypeOfDtype(type: number): number {
  return ({ 2: 2, 4: 3, 6: 1, 8: 4, 10: 7, 12: 6 } as Record<number, number>)[type] ?? 0;
}

function listDirectory(path: string): ListedEntry[] {
  const fd = syscall('open', path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  try {
    const out: ListedEntry[] = [];
    for (;;) {
      const chunk = syscall('getdents', fd, 32 * 1024);
      if (chunk.length === 0) return out;
      out.push(...decodeDirents(chunk));
    }
  } finally {
    syscall('close', fd);
  }
}

export function preview1(ctx: WasiContext): Record<string, (...args: never[]) => number | void> {
  const m = ctx.memory;
  const t = ctx.table;

  const strings = (list: string[], ptrs: number, buf: number): void => {
    let at = buf;
    list.forEach((s, i) => {
      m.setU32(ptrs + i * 4, at);
      at += m.writeString(at, s);
      m.setU8(at++, 0);
    });
  };
  const sizes = (list: string[], countPtr: number, sizePtr: number): void => {
    m.setU32(countPtr, list.length);
    m.setU32(sizePtr, list.reduce((n, s) => n + encoder.encode(s).length + 1, 0));
  };

  return {
    args_get: edge((argv: number, buf: number) => strings(ctx.argv, argv, buf)),
    args_sizes_get: edge((count: number, size: number) => sizes(ctx.argv, count, size)),
    environ_get: edge((environ: number, buf: number) => strings(ctx.env, environ, buf)),
    environ_sizes_get: edge((count: number, size: number) => sizes(ctx.env, count, size)),

    clock_res_get: edge((id: number, out: number) => m.setU64(out, ctx.clocks.resolution(id))),
    clock_time_get: edge((id: number, _precision: bigint, out: number) => m.setU64(out, ctx.clocks.time(id))),

    fd_advise: edge((fd: number, _offset: bigint, _len: bigint, advice: number) => {
      t.check(fd, R.FD_ADVISE);
      if (advice > 5) throw new WasiError(W.EINVAL, `advice ${advice}`);
      // Advice is a hint; our schemes have no read-ahead or cache policy to tune.
    }),
    fd_allocate: edge((fd: number, offset: bigint, len: bigint) => {
      const entry = t.check(fd, R.FD_ALLOCATE);
      const end = Number(offset + len);
      if (kernelFstat(entry.kfd).size < end) syscall('ftruncate', entry.kfd, end);
    }),
    fd_close: edge((fd: number) => t.close(fd)),
    fd_datasync: edge((fd: number) => void syscall('fsync', t.check(fd, R.FD_DATASYNC).kfd)),
    fd_fdstat_get: edge((fd: number, out: number) => {
      const entry = t.get(fd);
      const d = t.describe(entry);
      const fl = syscall('fcntl', entry.kfd, F_GETFL, 0);
      const flags = (fl & O_APPEND ? FDFLAGS_APPEND : 0) | (fl & O_NONBLOCK ? FDFLAGS_NONBLOCK : 0) | (entry.sync ? FDFLAGS_SYNC : 0);
      m.setU8(out, d.filetype);
      m.setU8(out + 1, 0);
      m.setU16(out + 2, flags);
      m.setU32(out + 4, 0);
      m.setU64(out + 8, d.base);
      m.setU64(out + 16, d.inheriting);
    }),
    fd_fdstat_set_flags: edge((fd: number, flags: number) => {
      const entry = t.check(fd, R.FD_FDSTAT_SET_FLAGS);
      const fl = syscall('fcntl', entry.kfd, F_GETFL, 0) & ~(O_APPEND | O_NONBLOCK);
      syscall('fcntl', entry.kfd, F_SETFL, fl | (flags & FDFLAGS_APPEND ? O_APPEND : 0) | (flags & FDFLAGS_NONBLOCK ? O_NONBLOCK : 0));
      entry.sync = (flags & SYNC_FLAGS) !== 0;
    }),
    fd_fdstat_set_rights: edge((fd: number, base: bigint, inheriting: bigint) => {
      const entry = t.get(fd);
      const d = t.describe(entry);
      if ((base & ~d.base) !== 0n || (inheriting & ~d.inheriting) !== 0n) throw new WasiError(W.ENOTCAPABLE, 'rights can only shrink');
      entry.rightsBase = base;
      entry.rightsInheriting = inheriting;
    }),
    fd_filestat_get: edge((fd: number, out: number) => writeFilestat(ctx, out, kernelFstat(t.check(fd, R.FD_FILESTAT_GET).kfd))),
    fd_filestat_set_size: edge((fd: number, size: bigint) => void syscall('ftruncate', t.check(fd, R.FD_FILESTAT_SET_SIZE).kfd, Number(size))),
    fd_filestat_set_times: edge((fd: number, atim: bigint, mtim: bigint, flags: number) => {
      setTimes(t.check(fd, R.FD_FILESTAT_SET_TIMES).kfd, atim, mtim, flags);
    }),
    fd_pread: edge((fd: number, iovs: number, count: number, offset: bigint, out: number) => {
      const entry = t.check(fd, R.FD_READ | R.FD_SEEK);
      const saved = syscall('lseek', entry.kfd, 0, SEEK_CUR);
      syscall('lseek', entry.kfd, Number(offset), SEEK_SET);
      try {
        m.setU32(out, readInto(ctx, entry.kfd, iovs, count));
      } finally {
        syscall('lseek', entry.kfd, saved, SEEK_SET);
      }
    }),
    fd_prestat_get: edge((fd: number, out: number) => {
      const entry = t.get(fd);
      if (entry.preopen === null) throw new WasiError(W.EBADF, `fd ${fd} is not a preopen`);
      m.setU32(out, PREOPENTYPE_DIR);
      m.setU32(out + 4, encoder.encode(entry.preopen).length);
    }),
    fd_prestat_dir_name: edge((fd: number, ptr: number, len: number) => {
      const entry = t.get(fd);
      if (entry.preopen === null) throw new WasiError(W.EBADF, `fd ${fd} is not a preopen`);
      const name = encoder.encode(entry.preopen);
      if (len < name.length) throw new WasiError(W.ENAMETOOLONG, 'buffer too small for the preopen name');
      m.write(ptr, name);
    }),
    fd_pwrite: edge((fd: number, iovs: number, count: number, offset: bigint, out: number) => {
      const entry = t.check(fd, R.FD_WRITE | R.FD_SEEK);
      const saved = syscall('lseek', entry.kfd, 0, SEEK_CUR);
      syscall('lseek', entry.kfd, Number(offset), SEEK_SET);
      try {
        m.setU32(out, writeFrom(ctx, entry.kfd, iovs, count, entry.sync));
      } finally {
        syscall('lseek', entry.kfd, saved, SEEK_SET);
      }
    }),
    // fd_read and fd_write are what a program's I/O loop calls for every buffer. They are written
    // out without edge()'s rest array: V8 seldom optimises them (a loop of 64 KiB reads makes too
    // few calls), so each step left out shows in the throughput.
    fd_read: (fd: number, iovs: number, count: number, out: number): number => {
      try {
        m.setU32(out, readInto(ctx, t.check(fd, R.FD_READ).kfd, iovs, count));
        return W.SUCCESS;
      } catch (error) {
        return wasiErrnoOf(error);
      }
    },
    fd_readdir: edge((fd: number, buf: number, len: number, cookie: bigint, out: number) => {
      const entry = t.check(fd, R.FD_READDIR);
      if (t.describe(entry).filetype !== FILETYPE_DIRECTORY) throw new WasiError(W.ENOTDIR, `fd ${fd}`);
      if (cookie === 0n || entry.listing === null) {
        entry.path ??= syscall('fpath', entry.kfd);
        entry.listing = listDirectory(entry.path);
      }
      m.setU32(out, fillDirents(ctx, entry.path!, entry.listing, Number(cookie), buf, len));
    }),
    fd_renumber: edge((from: number, to: number) => {
      const entry = t.get(from);
      t.get(to);
      if (from === to) return;
      if (!t.kernelFdTaken(to, to) && entry.kfd !== to) {
        // Keep WASI and kernel numbers equal: move the kernel fd too.
        syscall('dup2', entry.kfd, to);
        syscall('close', entry.kfd);
        entry.kfd = to;
      }
      t.renumber(from, to);
    }),
    fd_seek: edge((fd: number, offset: bigint, whence: number, out: number) => {
      const entry = t.check(fd, offset === 0n && whence === SEEK_CUR ? R.FD_TELL : R.FD_SEEK);
      if (whence > WHENCE_END) throw new WasiError(W.EINVAL, `whence ${whence}`);
      m.setU64(out, syscall('lseek', entry.kfd, Number(offset), whence));
    }),
    fd_sync: edge((fd: number) => void syscall('fsync', t.check(fd, R.FD_SYNC).kfd)),
    fd_tell: edge((fd: number, out: number) => m.setU64(out, syscall('lseek', t.check(fd, R.FD_TELL).kfd, 0, SEEK_CUR))),
    fd_write: (fd: number, iovs: number, count: number, out: number): number => {
      try {
        const entry = t.check(fd, R.FD_WRITE);
        m.setU32(out, writeFrom(ctx, entry.kfd, iovs, count, entry.sync));
        return W.SUCCESS;
      } catch (error) {
        return wasiErrnoOf(error);
      }
    },

    path_create_directory: edge((fd: number, ptr: number, len: number) => {
      void syscall('mkdir', ctx.resolve(fd, R.PATH_CREATE_DIRECTORY, ptr, len).path, 0o755);
    }),
    path_filestat_get: edge((fd: number, flags: number, ptr: number, len: number, out: number) => {
      const { path } = ctx.resolve(fd, R.PATH_FILESTAT_GET, ptr, len);
      writeFilestat(ctx, out, statPath(path, (flags & LOOKUP_SYMLINK_FOLLOW) !== 0));
    }),
    path_filestat_set_times: edge((fd: number, flags: number, ptr: number, len: number, atim: bigint, mtim: bigint, fst: number) => {
      const { path } = ctx.resolve(fd, R.PATH_FILESTAT_SET_TIMES, ptr, len);
      const kfd = syscall('open', path, O_RDONLY | O_STAT | O_CLOEXEC | (flags & LOOKUP_SYMLINK_FOLLOW ? 0 : O_SYMLINK));
      try {
        setTimes(kfd, atim, mtim, fst);
      } finally {
        syscall('close', kfd);
      }
    }),
    path_link: edge((oldFd: number, _flags: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) => {
      const from = ctx.resolve(oldFd, R.PATH_LINK_SOURCE, oldPtr, oldLen).path;
      void syscall('link', from, ctx.resolve(newFd, R.PATH_LINK_TARGET, newPtr, newLen).path);
    }),
    path_open: edge((fd: number, dirflags: number, ptr: number, len: number, oflags: number, base: bigint, inheriting: bigint, fdflags: number, out: number) => {
      const { entry: dir, path } = ctx.resolve(fd, R.PATH_OPEN, ptr, len);
      const reads = (base & (R.FD_READ | R.FD_READDIR)) !== 0n;
      const writes = (base & (R.FD_WRITE | R.FD_ALLOCATE | R.FD_FILESTAT_SET_SIZE)) !== 0n;
      let flags = O_CLOEXEC | (reads ? O_RDONLY : 0) | (writes ? O_WRONLY : 0) | (reads || writes ? 0 : O_RDONLY | O_STAT);
      if (oflags & OFLAGS_CREAT) flags |= O_CREAT | 0o644;
      if (oflags & OFLAGS_EXCL) flags |= O_EXCL;
      if (oflags & OFLAGS_TRUNC) flags |= O_TRUNC;
      if (oflags & OFLAGS_DIRECTORY) flags |= O_DIRECTORY;
      if (fdflags & FDFLAGS_APPEND) flags |= O_APPEND;
      if (fdflags & FDFLAGS_NONBLOCK) flags |= O_NONBLOCK;
      const follow = (dirflags & LOOKUP_SYMLINK_FOLLOW) !== 0;
      if (!follow) flags |= O_SYMLINK;
      const kfd = syscall('open', path, flags);
      const opened = newEntry(kfd, { path, sync: (fdflags & SYNC_FLAGS) !== 0 });
      if (!follow || oflags & OFLAGS_DIRECTORY) {
        const st = kernelFstat(kfd);
        const isDir = filetypeOfMode(st.mode) === FILETYPE_DIRECTORY;
        const error = !follow && (st.mode & S_IFMT) === S_IFLNK ? W.ELOOP : oflags & OFLAGS_DIRECTORY && !isDir ? W.ENOTDIR : 0;
        if (error) {
          syscall('close', kfd);
          throw new WasiError(error, path);
        }
        opened.filetype = filetypeOfMode(st.mode);
      }
      const d = t.describe(opened);
      const dirInheriting = t.describe(dir).inheriting;
      opened.rightsBase = d.base & base & dirInheriting;
      opened.rightsInheriting = d.inheriting & inheriting & dirInheriting;
      m.setU32(out, t.place(opened));
    }),
    path_readlink: edge((fd: number, ptr: number, len: number, buf: number, bufLen: number, out: number) => {
      const target = encoder.encode(syscall('readlink', ctx.resolve(fd, R.PATH_READLINK, ptr, len).path));
      const n = Math.min(target.length, bufLen);
      m.write(buf, target.subarray(0, n));
      m.setU32(out, n);
    }),
    path_remove_directory: edge((fd: number, ptr: number, len: number) => {
      void syscall('rmdir', ctx.resolve(fd, R.PATH_REMOVE_DIRECTORY, ptr, len).path);
    }),
    path_rename: edge((fd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) => {
      const from = ctx.resolve(fd, R.PATH_RENAME_SOURCE, oldPtr, oldLen).path;
      void syscall('rename', from, ctx.resolve(newFd, R.PATH_RENAME_TARGET, newPtr, newLen).path);
    }),
    path_symlink: edge((oldPtr: number, oldLen: number, fd: number, newPtr: number, newLen: number) => {
      const target = m.path(oldPtr, oldLen);
      void syscall('symlink', target, ctx.resolve(fd, R.PATH_SYMLINK, newPtr, newLen).path);
    }),
    path_unlink_file: edge((fd: number, ptr: number, len: number) => {
      void syscall('unlink', ctx.resolve(fd, R.PATH_UNLINK_FILE, ptr, len).path);
    }),

    poll_oneoff: edge((inPtr: number, outPtr: number, count: number, neventsPtr: number) => {
      m.setU32(neventsPtr, pollOneoff(ctx, inPtr, outPtr, count));
    }),
    proc_exit: (code: number): void => {
      exit(code);
    },
    proc_raise: edge((sig: number) => {
      if (sig < 0 || sig > 30) throw new WasiError(W.EINVAL, `signal ${sig}`);
      void syscall('kill', getpid(), linuxSignalOfWasi(sig));
    }),
    random_get: edge((buf: number, len: number) => m.write(buf, ctx.random(len >>> 0))),
    sched_yield: edge(() => void syscall('sched_yield')),

    // No socket scheme exists yet, so no descriptor can be a socket.
    sock_accept: edge((fd: number) => notSocket(ctx, fd)),
    sock_recv: edge((fd: number) => notSocket(ctx, fd)),
    sock_send: edge((fd: number) => notSocket(ctx, fd)),
    sock_shutdown: edge((fd: number) => notSocket(ctx, fd)),
  };
}

function notSocket(ctx: WasiContext, fd: number): never {
  ctx.table.get(fd);
  throw new WasiError(W.ENOTSOCK, `fd ${fd}`);
}
