/**
 * Syscalls on file descriptors. Each handler checks its arguments, checks the descriptor's access
 * mode, then calls the scheme that owns the descriptor.
 */
import { Errno, SysError } from '../../syscall/errno.ts';
import {
  F_GETFD, F_GETFL, F_SETFD, F_SETFL, FD_CLOEXEC, O_APPEND, O_CLOEXEC, O_NONBLOCK, UTIME_NOW, UTIME_OMIT, canRead, canWrite,
} from '../../syscall/flags.ts';
import { SIGPIPE } from '../../syscall/signal.ts';
import { DATA_CAPACITY } from '../../syscall/slot.ts';
import { encodeStat, timeSetting } from '../../syscall/stat.ts';
import type { FileDescription } from '../process.ts';
import type { Call } from '../scheme.ts';
import { PipeScheme } from '../schemes/pipe.ts';
import { ShmScheme } from '../schemes/shm.ts';
import type { Handlers, SyscallContext } from './index.ts';
import { checkOwnerId } from './processes.ts';

type FileCalls = 'open' | 'close' | 'read' | 'write' | 'lseek' | 'fstat' | 'fsync' | 'ftruncate' | 'dup' | 'dup2'
  | 'pipe' | 'getdents' | 'fcntl' | 'fpath' | 'fchmod' | 'fchown' | 'fevent' | 'fmap' | 'funmap' | 'fstatvfs' | 'futimens';

function described(ctx: SyscallContext, fd: number): { desc: FileDescription; call: Call } {
  const desc = ctx.proc.fds.get(fd).description;
  return { desc, call: ctx.kernel.callFor(ctx.proc, ctx.signal, desc.flags) };
}

function clampCount(count: number): number {
  if (!Number.isInteger(count) || count < 0) throw new SysError(Errno.EINVAL, 'negative or fractional byte count');
  return Math.min(count, DATA_CAPACITY);
}

function install(ctx: SyscallContext, desc: FileDescription, cloexec: boolean): number {
  if (!ctx.proc.alive) {
    ctx.kernel.release(desc);
    throw new SysError(Errno.ESRCH, 'the process died during the call');
  }
  try {
    return ctx.proc.fds.install(desc, cloexec);
  } catch (error) {
    ctx.kernel.release(desc);
    throw error;
  }
}

/** fcntl on an fd (`entry`, which holds FD_CLOEXEC) and its open description (the status flags). */
export function fcntlCommand(entry: { cloexec: boolean }, description: { flags: number }, command: number, arg: number): number {
  switch (command) {
    case F_GETFD:
      return entry.cloexec ? FD_CLOEXEC : 0;
    case F_SETFD:
      entry.cloexec = (arg & FD_CLOEXEC) !== 0;
      return 0;
    case F_GETFL:
      return description.flags;
    case F_SETFL: {
      const changeable = O_NONBLOCK | O_APPEND;
      description.flags = (description.flags & ~changeable) | (arg & changeable);
      return 0;
    }
    default:
      throw new SysError(Errno.EINVAL, `fcntl command ${command}`);
  }
}

export const fileHandlers: Handlers<FileCalls> = {
  async open(ctx, path, flags) {
    const desc = await ctx.kernel.openAs(ctx.proc, path, flags, ctx.signal);
    return install(ctx, desc, (flags & O_CLOEXEC) !== 0);
  },

  close(ctx, fd) {
    ctx.kernel.release(ctx.proc.fds.remove(fd));
    return 0;
  },

  read(ctx, fd, count) {
    const { desc, call } = described(ctx, fd);
    if (!canRead(desc.flags)) throw new SysError(Errno.EBADF, `fd ${fd} is not open for reading`);
    return desc.scheme.read(desc.id, clampCount(count), call);
  },

  async write(ctx, fd, data) {
    const { desc, call } = described(ctx, fd);
    if (!canWrite(desc.flags)) throw new SysError(Errno.EBADF, `fd ${fd} is not open for writing`);
    try {
      return await desc.scheme.write(desc.id, data, call);
    } catch (error) {
      if (error instanceof SysError && error.errno === Errno.EPIPE) ctx.kernel.signal(ctx.proc, SIGPIPE);
      throw error;
    }
  },

  lseek(ctx, fd, offset, whence) {
    const { desc, call } = described(ctx, fd);
    if (!Number.isInteger(offset) || whence < 0 || whence > 2) throw new SysError(Errno.EINVAL, 'bad seek');
    return desc.scheme.seek(desc.id, offset, whence, call);
  },

  async fstat(ctx, fd) {
    const { desc, call } = described(ctx, fd);
    const stat = await desc.scheme.fstat(desc.id, call);
    return stat instanceof Uint8Array ? stat : encodeStat(stat);
  },

  async fsync(ctx, fd) {
    const { desc, call } = described(ctx, fd);
    await desc.scheme.fsync(desc.id, call);
    return 0;
  },

  async ftruncate(ctx, fd, length) {
    const { desc, call } = described(ctx, fd);
    if (!canWrite(desc.flags)) throw new SysError(Errno.EBADF, `fd ${fd} is not open for writing`);
    if (!Number.isInteger(length) || length < 0) throw new SysError(Errno.EINVAL, 'negative length');
    await desc.scheme.ftruncate(desc.id, length, call);
    return 0;
  },

  dup(ctx, fd) {
    const desc = ctx.proc.fds.get(fd).description;
    desc.refs++;
    return install(ctx, desc, false);
  },

  dup2(ctx, fd, newFd) {
    const desc = ctx.proc.fds.get(fd).description;
    if (fd === newFd) return newFd;
    desc.refs++;
    let old: FileDescription | undefined;
    try {
      old = ctx.proc.fds.replace(newFd, desc, false);
    } catch (error) {
      desc.refs--;
      throw error;
    }
    if (old) ctx.kernel.release(old);
    return newFd;
  },

  pipe(ctx, flags) {
    const scheme = ctx.kernel.schemes.get('pipe');
    if (!(scheme instanceof PipeScheme)) throw new SysError(Errno.ENODEV, 'no pipe scheme');
    const [reader, writer] = scheme.createPair(flags);
    const cloexec = (flags & O_CLOEXEC) !== 0;
    const readFd = install(ctx, reader, cloexec);
    try {
      return [readFd, install(ctx, writer, cloexec)] as const;
    } catch (error) {
      ctx.kernel.release(ctx.proc.fds.remove(readFd));
      throw error;
    }
  },

  getdents(ctx, fd, maxBytes) {
    const { desc, call } = described(ctx, fd);
    return desc.scheme.getdents(desc.id, clampCount(maxBytes), call);
  },

  fcntl(ctx, fd, command, arg) {
    const entry = ctx.proc.fds.get(fd);
    return fcntlCommand(entry, entry.description, command, arg);
  },

  async fpath(ctx, fd) {
    const { desc, call } = described(ctx, fd);
    try {
      return await desc.scheme.fpath(desc.id, call);
    } catch (error) {
      if (error instanceof SysError && error.errno === Errno.EBADF) return desc.path;
      throw error;
    }
  },

  async fchmod(ctx, fd, mode) {
    const { desc, call } = described(ctx, fd);
    await desc.scheme.fchmod(desc.id, mode & 0o7777, call);
    return 0;
  },

  async fchown(ctx, fd, uid, gid) {
    checkOwnerId('uid', uid);
    checkOwnerId('gid', gid);
    const { desc, call } = described(ctx, fd);
    await desc.scheme.fchown(desc.id, uid, gid, call);
    return 0;
  },

  fstatvfs(ctx, fd) {
    const { desc, call } = described(ctx, fd);
    return desc.scheme.fstatvfs(desc.id, call);
  },

  async futimens(ctx, fd, atimeSec, atimeNsec, mtimeSec, mtimeNsec) {
    const { desc, call } = described(ctx, fd);
    for (const [sec, nsec] of [[atimeSec, atimeNsec], [mtimeSec, mtimeNsec]] as const) {
      const special = sec === UTIME_NOW || sec === UTIME_OMIT;
      if (!Number.isInteger(sec) || (!special && sec < 0) || !Number.isInteger(nsec) || nsec < 0 || nsec >= 1e9) {
        throw new SysError(Errno.EINVAL, 'bad timespec');
      }
    }
    await desc.scheme.futimens(desc.id, { atime: timeSetting(atimeSec, atimeNsec), mtime: timeSetting(mtimeSec, mtimeNsec) }, call);
    return 0;
  },

  fevent(ctx, fd, interest) {
    const { desc, call } = described(ctx, fd);
    return desc.scheme.poll(desc.id, interest, call);
  },

  async fmap(ctx, fd) {
    const { desc, call } = described(ctx, fd);
    if (!canRead(desc.flags)) throw new SysError(Errno.EACCES, 'mapping needs a descriptor open for reading');
    const shm = ctx.kernel.schemes.get('shm');
    // A plain shm object is mapped to be written; a file's page cache is read-only by contract.
    if (desc.scheme === shm && !canWrite(desc.flags)) throw new SysError(Errno.EACCES, 'mapping a shared-memory object needs a descriptor open for reading and writing');
    const mapping = await desc.scheme.fmap(desc.id, call);
    const cpu = ctx.proc.thread.cpu;
    if (!cpu) throw new SysError(Errno.ESRCH);
    if (shm instanceof ShmScheme) shm.retain(mapping.buffer);
    const mapId = ctx.proc.nextMapId++;
    ctx.proc.maps.set(mapId, mapping.buffer);
    cpu.sendMap(mapId, mapping.buffer);
    return [mapId, mapping.offsetCell] as const;
  },

  funmap(ctx, mapId) {
    const buffer = ctx.proc.maps.get(mapId);
    if (!buffer) throw new SysError(Errno.EINVAL, `no map ${mapId}`);
    ctx.proc.maps.delete(mapId);
    const shm = ctx.kernel.schemes.get('shm');
    if (shm instanceof ShmScheme) shm.unmap(buffer);
    return 0;
  },
};
