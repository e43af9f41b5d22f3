/**
 * Syscalls on paths: each resolves its path against the caller's cwd, checks the caller's
 * namespace, and hands the path inside the scheme to that scheme. Two-path calls (rename, link)
 * must stay inside one scheme (EXDEV otherwise), as they would inside one filesystem.
 */
import { Errno, SysError } from '../../syscall/errno.ts';
import { O_DIRECTORY, O_RDONLY, O_STAT, S_IFDIR, S_IFMT } from '../../syscall/flags.ts';
import { decodeStat } from '../../syscall/stat.ts';
import { resolve } from '../path.ts';
import type { Call, Scheme } from '../scheme.ts';
import type { Handlers, SyscallContext } from './index.ts';
import { checkOwnerId } from './processes.ts';

type PathCalls = 'mkdir' | 'rmdir' | 'unlink' | 'rename' | 'link' | 'symlink' | 'readlink' | 'chdir' | 'getcwd' | 'chmod' | 'chown';

interface Target {
  scheme: Scheme;
  path: string;
  call: Call;
}

function target(ctx: SyscallContext, path: string): Target {
  const where = resolve(path, ctx.proc.cwd);
  if (where.scheme === '') throw new SysError(Errno.EPERM, '/scheme itself cannot be changed');
  if (!ctx.proc.canUseScheme(where.scheme)) throw new SysError(Errno.ENODEV, `scheme ${where.scheme} is outside this process's namespace`);
  const scheme = ctx.kernel.lookupScheme(where.scheme);
  if (!scheme) throw new SysError(Errno.ENODEV, `no scheme named ${where.scheme}`);
  return { scheme, path: where.path, call: ctx.kernel.callFor(ctx.proc, ctx.signal) };
}

function targetPair(ctx: SyscallContext, from: string, to: string): [Target, Target] {
  const a = target(ctx, from);
  const b = target(ctx, to);
  if (a.scheme !== b.scheme) throw new SysError(Errno.EXDEV, `${from} and ${to} are on different schemes`);
  return [a, b];
}

export const pathHandlers: Handlers<PathCalls> = {
  async mkdir(ctx, path, mode) {
    const t = target(ctx, path);
    await t.scheme.mkdir(t.path, mode & 0o7777, t.call);
    return 0;
  },
  async rmdir(ctx, path) {
    const t = target(ctx, path);
    await t.scheme.rmdir(t.path, t.call);
    return 0;
  },
  async unlink(ctx, path) {
    const t = target(ctx, path);
    await t.scheme.unlink(t.path, t.call);
    return 0;
  },
  async rename(ctx, from, to) {
    const [a, b] = targetPair(ctx, from, to);
    await a.scheme.rename(a.path, b.path, a.call);
    return 0;
  },
  async link(ctx, from, to) {
    const [a, b] = targetPair(ctx, from, to);
    await a.scheme.link(a.path, b.path, a.call);
    return 0;
  },
  async symlink(ctx, linkTarget, path) {
    if (linkTarget.length === 0) throw new SysError(Errno.ENOENT, 'empty symlink target');
    const t = target(ctx, path);
    await t.scheme.symlink(linkTarget, t.path, t.call);
    return 0;
  },
  readlink(ctx, path) {
    const t = target(ctx, path);
    return t.scheme.readlink(t.path, t.call);
  },
  async chdir(ctx, path) {
    const desc = await ctx.kernel.openAs(ctx.proc, path, O_RDONLY | O_DIRECTORY | O_STAT, ctx.signal);
    try {
      const record = await desc.scheme.fstat(desc.id, ctx.kernel.callFor(ctx.proc, ctx.signal));
      const stat = record instanceof Uint8Array ? decodeStat(record) : record;
      if ((stat.mode & S_IFMT) !== S_IFDIR) throw new SysError(Errno.ENOTDIR, path);
      ctx.proc.cwd = desc.path;
      return 0;
    } finally {
      ctx.kernel.release(desc);
    }
  },
  getcwd(ctx) {
    return ctx.proc.cwd;
  },
  async chmod(ctx, path, mode) {
    const t = target(ctx, path);
    await t.scheme.chmod(t.path, mode & 0o7777, t.call);
    return 0;
  },
  async chown(ctx, path, uid, gid) {
    checkOwnerId('uid', uid);
    checkOwnerId('gid', gid);
    const t = target(ctx, path);
    await t.scheme.chown(t.path, uid, gid, t.call);
    return 0;
  },
};
