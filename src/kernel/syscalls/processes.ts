/**
 * Process syscalls: spawn, exit, waitpid, kill, ids, credentials, process groups, and setrens
 * (narrowing the scheme namespace, as Redox's null namespace does).
 */
import { Errno, SysError } from '../../syscall/errno.ts';
import { WNOHANG, WUNTRACED } from '../../syscall/flags.ts';
import { NSIG, exitedStatus } from '../../syscall/signal.ts';
import type { SpawnRequest } from '../../syscall/table.ts';
import type { Process } from '../process.ts';
import type { Handlers, SyscallContext } from './index.ts';

type ProcessCalls = 'spawn' | 'exit' | 'waitpid' | 'kill' | 'getpid' | 'getppid' | 'getuid' | 'getgid' | 'geteuid'
  | 'getegid' | 'setuid' | 'setgid' | 'setpgid' | 'getpgid' | 'setsid' | 'setrens' | 'getns';

/** Checks the shape of a spawn request (shared with the Linux backend's server). */
export function validSpawnRequest(value: unknown): SpawnRequest {
  const req = value as Partial<SpawnRequest> | null;
  const strings = (v: unknown): boolean => Array.isArray(v) && v.every((s) => typeof s === 'string');
  if (!req || typeof req !== 'object' || typeof req.path !== 'string' || !strings(req.argv) || req.argv!.length === 0) {
    throw new SysError(Errno.EINVAL, 'spawn needs {path, argv: string[] (non-empty), env}');
  }
  if (typeof req.env !== 'object' || req.env === null || !Object.values(req.env).every((v) => typeof v === 'string')) {
    throw new SysError(Errno.EINVAL, 'spawn env must map names to strings');
  }
  if (req.cwd !== undefined && typeof req.cwd !== 'string') throw new SysError(Errno.EINVAL, 'spawn cwd must be a string');
  if (req.fds !== undefined && !(Array.isArray(req.fds) && req.fds.every((p) => Array.isArray(p) && p.length === 2 && p.every(Number.isInteger)))) {
    throw new SysError(Errno.EINVAL, 'spawn fds must be [child, parent] pairs');
  }
  if (req.pgid !== undefined && !(Number.isInteger(req.pgid) && req.pgid >= 0)) throw new SysError(Errno.EINVAL, 'spawn pgid');
  if (req.memoryMiB !== undefined && !(Number.isInteger(req.memoryMiB) && req.memoryMiB >= 8 && req.memoryMiB <= 4096)) {
    throw new SysError(Errno.EINVAL, 'spawn memoryMiB must be an integer from 8 to 4096');
  }
  for (const key of ['uid', 'gid'] as const) {
    if (req[key] !== undefined && !validId(req[key])) throw new SysError(Errno.EINVAL, `spawn ${key} must be an integer from 0 to ${ID_MAX}`);
  }
  return req as SpawnRequest;
}

/** Whether waitpid's `pid` argument selects `child` of `parent` (a pid, -1 any, 0 the parent's group, -G group G). */
export function matchesWait(parent: { pgid: number }, child: { pid: number; pgid: number }, pid: number): boolean {
  if (pid > 0) return child.pid === pid;
  if (pid === -1) return true;
  if (pid === 0) return child.pgid === parent.pgid;
  return child.pgid === -pid;
}

function childrenOf(ctx: SyscallContext, pid: number): Process[] {
  const out: Process[] = [];
  for (const childPid of ctx.proc.children) {
    const child = ctx.kernel.processes.get(childPid);
    if (child && matchesWait(ctx.proc, child, pid)) out.push(child);
  }
  return out;
}

/** The largest uid or gid: ids travel to daemons as u32, and 0xFFFFFFFF is reserved (as -1 is in chown). */
export const ID_MAX = 0xffff_fffe;

/** Whether `id` is a uid or gid the kernel accepts: an integer in 0..ID_MAX. */
export function validId(id: unknown): id is number {
  return Number.isInteger(id) && (id as number) >= 0 && (id as number) <= ID_MAX;
}

/** An owner for chown/fchown: a valid id, or -1 (or 0xFFFFFFFF, its u32 form) to leave it as it is. */
export function checkOwnerId(what: 'uid' | 'gid', id: number): void {
  if (id !== -1 && id !== 0xffff_ffff && !validId(id)) throw new SysError(Errno.EINVAL, `${what} ${id} is not -1 or an integer from 0 to ${ID_MAX}`);
}

function mayChangeId(proc: Process, id: number, real: number): boolean {
  return proc.euid === 0 || id === real;
}

export const processHandlers: Handlers<ProcessCalls> = {
  spawn(ctx, request) {
    return ctx.kernel.spawn(ctx.proc, validSpawnRequest(request));
  },

  exit(ctx, status) {
    ctx.kernel.terminate(ctx.proc, exitedStatus(status));
    return undefined as never;
  },

  async waitpid(ctx, pid, options) {
    if (!Number.isInteger(pid) || (options & ~(WNOHANG | WUNTRACED)) !== 0) throw new SysError(Errno.EINVAL, 'waitpid');
    for (;;) {
      const candidates = childrenOf(ctx, pid);
      if (candidates.length === 0) throw new SysError(Errno.ECHILD);
      const zombie = candidates.find((c) => !c.alive);
      if (zombie) {
        ctx.kernel.reap(ctx.proc, zombie);
        return [zombie.pid, zombie.status] as const;
      }
      const stopped = candidates.find((c) => c.state === 'stopped' && !c.stopReported);
      if (stopped && options & WUNTRACED) {
        stopped.stopReported = true;
        return [stopped.pid, stopped.status] as const;
      }
      if (options & WNOHANG) return [0, 0] as const;
      await ctx.proc.childEvents.wait(ctx.signal);
    }
  },

  kill(ctx, pid, sig) {
    if (!Number.isInteger(sig) || sig < 0 || sig >= NSIG) throw new SysError(Errno.EINVAL, `signal ${sig}`);
    const targets = ctx.kernel.signalTargets(ctx.proc, pid);
    if (targets.length === 0) throw new SysError(Errno.ESRCH, `no process ${pid}`);
    const permitted = targets.filter((t) => ctx.proc.euid === 0 || ctx.proc.euid === t.uid || ctx.proc.uid === t.uid);
    if (permitted.length === 0) throw new SysError(Errno.EPERM);
    for (const target of permitted) ctx.kernel.signal(target, sig);
    return 0;
  },

  getpid: (ctx) => ctx.proc.pid,
  getppid: (ctx) => ctx.proc.ppid,
  getuid: (ctx) => ctx.proc.uid,
  getgid: (ctx) => ctx.proc.gid,
  geteuid: (ctx) => ctx.proc.euid,
  getegid: (ctx) => ctx.proc.egid,

  setuid(ctx, uid) {
    if (!validId(uid)) throw new SysError(Errno.EINVAL, `uid ${uid} is not an integer from 0 to ${ID_MAX}`);
    if (!mayChangeId(ctx.proc, uid, ctx.proc.uid)) throw new SysError(Errno.EPERM);
    if (ctx.proc.euid === 0) ctx.proc.uid = uid;
    ctx.proc.euid = uid;
    return 0;
  },

  setgid(ctx, gid) {
    if (!validId(gid)) throw new SysError(Errno.EINVAL, `gid ${gid} is not an integer from 0 to ${ID_MAX}`);
    if (!(ctx.proc.euid === 0 || gid === ctx.proc.gid)) throw new SysError(Errno.EPERM);
    if (ctx.proc.euid === 0) ctx.proc.gid = gid;
    ctx.proc.egid = gid;
    return 0;
  },

  setpgid(ctx, pid, pgid) {
    const targetPid = pid === 0 ? ctx.proc.pid : pid;
    const target = ctx.kernel.processes.get(targetPid as Process['pid']);
    if (!target || !target.alive) throw new SysError(Errno.ESRCH);
    if (target !== ctx.proc && target.ppid !== ctx.proc.pid) throw new SysError(Errno.ESRCH, 'not self or a child');
    if (!Number.isInteger(pgid) || pgid < 0) throw new SysError(Errno.EINVAL);
    if (target.sid !== ctx.proc.sid) throw new SysError(Errno.EPERM, 'different session');
    target.pgid = pgid === 0 ? target.pid : pgid;
    return 0;
  },

  getpgid(ctx, pid) {
    const target = pid === 0 ? ctx.proc : ctx.kernel.processes.get(pid as Process['pid']);
    if (!target) throw new SysError(Errno.ESRCH);
    return target.pgid;
  },

  setsid(ctx) {
    if (ctx.proc.pgid === ctx.proc.pid) throw new SysError(Errno.EPERM, 'already a process group leader');
    ctx.proc.sid = ctx.proc.pid;
    ctx.proc.pgid = ctx.proc.pid;
    return ctx.proc.pid;
  },

  setrens(ctx, names) {
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
      throw new SysError(Errno.EINVAL, 'setrens takes a list of scheme names');
    }
    const current = ctx.proc.namespace;
    ctx.proc.namespace = new Set((names as string[]).filter((n) => current === null || current.has(n)));
    ctx.kernel.log.info(`pid ${ctx.proc.pid} namespace narrowed to [${[...ctx.proc.namespace].join(', ')}]`);
    return 0;
  },

  getns(ctx) {
    return ctx.proc.namespace ? [...ctx.proc.namespace].sort() : null;
  },
};
