/**
 * The Linux backend's syscall handlers: the table of src/syscall/table.ts answered over node:fs,
 * node:crypto and timers, for one process of a LinuxServer. Argument checks and errnos follow
 * the kernel's handlers (src/kernel/syscalls/*.ts); host errors keep their POSIX names. A call
 * with no handler here answers ENOSYS (the dispatcher's rule): fmap and futex (no shared
 * memory), setrens (no namespaces), and any call added to the table later.
 */
import {
  chmodSync, chownSync, fchmodSync, futimesSync, lutimesSync, utimesSync, fchownSync, fstatSync, fsyncSync, ftruncateSync, linkSync, lstatSync, mkdirSync,
  openSync, read as readAsync, readdirSync, readlinkSync, readSync, renameSync, rmdirSync, statSync, statfsSync, symlinkSync,
  unlinkSync, writeSync, constants as fsc, type Dirent as HostDirent,
} from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { Errno, SysError } from '../../syscall/errno.ts';
import {
  DT_BLK, DT_CHR, DT_DIR, DT_FIFO, DT_LNK, DT_REG, DT_UNKNOWN, EVENT_READ, EVENT_WRITE,
  O_ACCMODE, O_APPEND, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_NONBLOCK, O_RDONLY, O_RDWR, O_STAT, O_SYMLINK,
  O_TRUNC, O_WRONLY, S_IFIFO, UTIME_NOW, UTIME_OMIT, WNOHANG, WUNTRACED, canRead, canWrite,
} from '../../syscall/flags.ts';
import { NSIG, SIGPIPE, exitedStatus, sigbit } from '../../syscall/signal.ts';
import { DATA_CAPACITY, SLOT_SIGNALS } from '../../syscall/slot.ts';
import { decodeStat, encodeStat, makeStat, type StatVfs } from '../../syscall/stat.ts';
import { encodeDirents } from '../../syscall/dirent.ts';
import type { SyscallArgs, SyscallName, SyscallResult } from '../../syscall/table.ts';
import { fcntlCommand } from '../../kernel/syscalls/files.ts';
import { matchesWait, validSpawnRequest } from '../../kernel/syscalls/processes.ts';
import { changeMask, setDisposition } from '../../kernel/syscalls/signals.ts';
import { clockNow } from '../../kernel/syscalls/time.ts';
import { sleep } from '../../kernel/wait_queue.ts';
import { deviceStat, releaseDescription, statFromHost, type Description } from './files.ts';
import { host, toSysError } from './host_errors.ts';
import { LinuxPipe, PIPE_BUF_LIMIT } from './pipe.ts';
import type { LinuxProcess, LinuxServer } from './server.ts';

export interface LinuxContext {
  readonly server: LinuxServer;
  readonly proc: LinuxProcess;
  /** Aborted when a handled signal arrives or the process dies (a blocking call then answers EINTR). */
  readonly signal: AbortSignal;
}

type Handler<N extends SyscallName> = (ctx: LinuxContext, ...args: SyscallArgs<N>) => SyscallResult<N> | Promise<SyscallResult<N>>;
export type LinuxHandlers = { [N in SyscallName]?: Handler<N> };


function clampCount(count: number): number {
  if (!Number.isInteger(count) || count < 0) throw new SysError(Errno.EINVAL, 'negative or fractional byte count');
  return Math.min(count, DATA_CAPACITY);
}

function described(ctx: LinuxContext, fd: number): Description {
  return ctx.proc.fds.get(fd).desc;
}

function install(ctx: LinuxContext, desc: Description, cloexec: boolean): number {
  try {
    return ctx.proc.fds.install(desc, cloexec);
  } catch (error) {
    releaseDescription(desc);
    throw error;
  }
}

/** Our open flags as the host's (access mode, create, truncate, exclusive); append is ours to do. */
function hostFlags(flags: number): number {
  const access = flags & O_ACCMODE;
  let out = access === O_RDWR ? fsc.O_RDWR : access === O_WRONLY ? fsc.O_WRONLY : fsc.O_RDONLY;
  if (flags & O_CREAT) out |= fsc.O_CREAT;
  if (flags & O_TRUNC) out |= fsc.O_TRUNC;
  if (flags & O_EXCL) out |= fsc.O_EXCL;
  return out;
}

function dtype(entry: HostDirent): number {
  if (entry.isDirectory()) return DT_DIR;
  if (entry.isFile()) return DT_REG;
  if (entry.isSymbolicLink()) return DT_LNK;
  if (entry.isFIFO()) return DT_FIFO;
  if (entry.isCharacterDevice()) return DT_CHR;
  if (entry.isBlockDevice()) return DT_BLK;
  return DT_UNKNOWN;
}

function openPath(ctx: LinuxContext, path: string, flags: number): Description {
  const where = ctx.server.paths.resolve(path, ctx.proc.cwd);
  const base = { flags: flags & ~O_CLOEXEC, refs: 1, path: where.absolute };
  if (where.kind === 'device') {
    if (flags & O_DIRECTORY) throw new SysError(Errno.ENOTDIR, where.absolute);
    return { ...base, kind: 'device', device: where.device };
  }
  const hostPath = where.hostPath;
  if (flags & O_STAT) {
    const st = host(() => (flags & O_SYMLINK ? lstatSync(hostPath) : statSync(hostPath)));
    if (flags & O_DIRECTORY && !st.isDirectory()) throw new SysError(Errno.ENOTDIR, where.absolute);
    return { ...base, kind: 'stat', hostPath, follow: (flags & O_SYMLINK) === 0 };
  }
  let st: ReturnType<typeof statSync> | null = null;
  try {
    st = flags & O_SYMLINK ? lstatSync(hostPath) : statSync(hostPath);
  } catch (error) {
    const sys = toSysError(error);
    if (!(sys instanceof SysError && sys.errno === Errno.ENOENT && flags & O_CREAT)) throw sys;
  }
  if (st?.isSymbolicLink()) return { ...base, kind: 'stat', hostPath, follow: false };
  if (st?.isDirectory()) {
    if (flags & O_CREAT && flags & O_EXCL) throw new SysError(Errno.EEXIST, where.absolute);
    if (canWrite(flags)) throw new SysError(Errno.EISDIR, where.absolute);
    host(() => readdirSync(hostPath)); // the permission to list it is checked now, as open(2) would
    return { ...base, kind: 'dir', hostPath, entries: null, cursor: 0 };
  }
  if (flags & O_DIRECTORY) throw new SysError(st ? Errno.ENOTDIR : Errno.ENOENT, where.absolute);
  const hostFd = host(() => openSync(hostPath, hostFlags(flags), flags & 0o7777));
  // The OS has no umask: a file it creates gets exactly the mode asked for, and so does ours.
  if (!st && flags & O_CREAT) host(() => fchmodSync(hostFd, flags & 0o7777));
  const seekable = fstatSync(hostFd).isFile();
  return { ...base, kind: 'file', hostFd, hostPath, seekable, offset: 0, owned: true };
}

/** A host fd that is not a regular file (terminal, pipe, socket): read without blocking the server. */
function readStream(hostFd: number, count: number, signal: AbortSignal): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(new SysError(Errno.EINTR));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    const buffer = new Uint8Array(count);
    readAsync(hostFd, buffer, 0, count, null, (error, got) => {
      signal.removeEventListener('abort', onAbort);
      if (error && (error as NodeJS.ErrnoException).code === 'EAGAIN') {
        setTimeout(() => readStream(hostFd, count, signal).then(resolve, reject), 5);
        return;
      }
      if (error) reject(toSysError(error));
      else resolve(buffer.subarray(0, got));
    });
  });
}

/** Writes all of `data` to a host stream fd, waiting out EAGAIN (a non-blocking pipe or terminal). */
async function writeStream(hostFd: number, data: Uint8Array, signal: AbortSignal): Promise<number> {
  let done = 0;
  while (done < data.length) {
    try {
      done += writeSync(hostFd, data, done, data.length - done);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw toSysError(error);
      if (done > 0) return done;
      await sleep(2, signal);
    }
  }
  return done;
}

function hostStatOf(desc: Description): Uint8Array {
  switch (desc.kind) {
    case 'file':
      return encodeStat(statFromHost(host(() => fstatSync(desc.hostFd, { bigint: true }))));
    case 'dir':
      return encodeStat(statFromHost(host(() => statSync(desc.hostPath, { bigint: true }))));
    case 'stat':
      return encodeStat(statFromHost(host(() => (desc.follow ? statSync(desc.hostPath, { bigint: true }) : lstatSync(desc.hostPath, { bigint: true })))));
    case 'pipe':
      return encodeStat(makeStat({ mode: S_IFIFO | 0o600, nlink: 1, size: desc.pipe.available }));
    case 'device':
      return encodeStat(deviceStat(desc.device));
  }
}

function hostPathOf(desc: Description): string {
  if (desc.kind === 'file' && desc.hostPath) return desc.hostPath;
  if (desc.kind === 'dir' || desc.kind === 'stat') return desc.hostPath;
  throw new SysError(Errno.EOPNOTSUPP, `${desc.path} is not on a filesystem`);
}

async function writeTo(ctx: LinuxContext, fd: number, data: Uint8Array): Promise<number> {
  const desc = described(ctx, fd);
  if (!canWrite(desc.flags)) throw new SysError(Errno.EBADF, `fd ${fd} is not open for writing`);
  switch (desc.kind) {
    case 'file': {
      if (!desc.seekable) return writeStream(desc.hostFd, data, ctx.signal);
      if (desc.flags & O_APPEND) desc.offset = fstatSync(desc.hostFd).size;
      const wrote = host(() => writeSync(desc.hostFd, data, 0, data.length, desc.offset));
      desc.offset += wrote;
      return wrote;
    }
    case 'pipe':
      return desc.pipe.write(data, ctx.signal, (desc.flags & O_NONBLOCK) !== 0);
    case 'device':
      return data.length;
    default:
      throw new SysError(Errno.EBADF, `fd ${fd} cannot be written`);
  }
}

export const HANDLERS: LinuxHandlers = {
  // ---- files ------------------------------------------------------------------------------
  open(ctx, path, flags) {
    return install(ctx, openPath(ctx, path, flags), (flags & O_CLOEXEC) !== 0);
  },

  close(ctx, fd) {
    releaseDescription(ctx.proc.fds.remove(fd));
    return 0;
  },

  read(ctx, fd, count) {
    const desc = described(ctx, fd);
    if (!canRead(desc.flags)) throw new SysError(Errno.EBADF, `fd ${fd} is not open for reading`);
    const n = clampCount(count);
    switch (desc.kind) {
      case 'file': {
        if (!desc.seekable) return readStream(desc.hostFd, n, ctx.signal);
        const buffer = new Uint8Array(n);
        const got = host(() => readSync(desc.hostFd, buffer, 0, n, desc.offset));
        desc.offset += got;
        return buffer.subarray(0, got);
      }
      case 'pipe':
        return desc.pipe.read(n, ctx.signal, (desc.flags & O_NONBLOCK) !== 0);
      case 'device':
        if (desc.device === 'null') return new Uint8Array(0);
        return desc.device === 'zero' ? new Uint8Array(n) : randomFillSync(new Uint8Array(n));
      case 'dir':
        throw new SysError(Errno.EISDIR, desc.path);
      case 'stat':
        throw new SysError(Errno.EBADF, `fd ${fd} was opened only for stat`);
    }
  },

  async write(ctx, fd, data) {
    try {
      return await writeTo(ctx, fd, data);
    } catch (error) {
      // A pipe (ours or the host's) with no reader: EPIPE and SIGPIPE, as Linux and the kernel do.
      if (error instanceof SysError && error.errno === Errno.EPIPE) ctx.server.signal(ctx.proc, SIGPIPE);
      throw error;
    }
  },

  lseek(ctx, fd, offset, whence) {
    const desc = described(ctx, fd);
    if (!Number.isInteger(offset) || whence < 0 || whence > 2) throw new SysError(Errno.EINVAL, 'bad seek');
    if (desc.kind === 'device') return 0;
    if (desc.kind === 'dir') {
      if (offset !== 0 || whence !== 0) throw new SysError(Errno.EINVAL, 'a directory seeks only to its start');
      desc.entries = null;
      desc.cursor = 0;
      return 0;
    }
    if (desc.kind !== 'file' || !desc.seekable) throw new SysError(Errno.ESPIPE, desc.path);
    const base = whence === 0 ? 0 : whence === 1 ? desc.offset : fstatSync(desc.hostFd).size;
    if (base + offset < 0) throw new SysError(Errno.EINVAL, 'seek before the start');
    desc.offset = base + offset;
    return desc.offset;
  },

  fstat(ctx, fd) {
    return hostStatOf(described(ctx, fd));
  },

  fsync(ctx, fd) {
    const desc = described(ctx, fd);
    if (desc.kind === 'file' && desc.seekable) host(() => fsyncSync(desc.hostFd));
    return 0;
  },

  ftruncate(ctx, fd, length) {
    const desc = described(ctx, fd);
    if (!canWrite(desc.flags)) throw new SysError(Errno.EBADF, `fd ${fd} is not open for writing`);
    if (!Number.isInteger(length) || length < 0) throw new SysError(Errno.EINVAL, 'negative length');
    if (desc.kind !== 'file' || !desc.seekable) throw new SysError(Errno.EINVAL, `${desc.path} cannot be truncated`);
    host(() => ftruncateSync(desc.hostFd, length));
    return 0;
  },

  dup(ctx, fd) {
    const desc = described(ctx, fd);
    desc.refs++;
    return install(ctx, desc, false);
  },

  dup2(ctx, fd, newFd) {
    const desc = described(ctx, fd);
    if (fd === newFd) return newFd;
    desc.refs++;
    let old: Description | undefined;
    try {
      old = ctx.proc.fds.replace(newFd, desc, false);
    } catch (error) {
      desc.refs--;
      throw error;
    }
    if (old) releaseDescription(old);
    return newFd;
  },

  pipe(ctx, flags) {
    const pipe = new LinuxPipe();
    pipe.readers = 1;
    pipe.writers = 1;
    const extra = flags & O_NONBLOCK;
    const cloexec = (flags & O_CLOEXEC) !== 0;
    const readFd = install(ctx, { kind: 'pipe', pipe, end: 'read', flags: O_RDONLY | extra, refs: 1, path: '/scheme/pipe' }, cloexec);
    try {
      return [readFd, install(ctx, { kind: 'pipe', pipe, end: 'write', flags: O_WRONLY | extra, refs: 1, path: '/scheme/pipe' }, cloexec)] as const;
    } catch (error) {
      releaseDescription(ctx.proc.fds.remove(readFd));
      throw error;
    }
  },

  getdents(ctx, fd, maxBytes) {
    const desc = described(ctx, fd);
    if (desc.kind !== 'dir') throw new SysError(Errno.ENOTDIR, desc.path);
    desc.entries ??= host(() => readdirSync(desc.hostPath, { withFileTypes: true })).map((e) => ({ name: e.name, type: dtype(e) }));
    const rest = desc.entries.slice(desc.cursor);
    const { bytes, count } = encodeDirents(rest, clampCount(maxBytes));
    if (count === 0 && rest.length > 0) throw new SysError(Errno.EINVAL, 'buffer too small for the next entry');
    desc.cursor += count;
    return bytes;
  },

  fcntl(ctx, fd, command, arg) {
    const entry = ctx.proc.fds.get(fd);
    return fcntlCommand(entry, entry.desc, command, arg);
  },

  fpath(ctx, fd) {
    return described(ctx, fd).path;
  },

  fchmod(ctx, fd, mode) {
    const desc = described(ctx, fd);
    if (desc.kind === 'file' && desc.owned) host(() => fchmodSync(desc.hostFd, mode & 0o7777));
    else host(() => chmodSync(hostPathOf(desc), mode & 0o7777));
    return 0;
  },

  fchown(ctx, fd, uid, gid) {
    const desc = described(ctx, fd);
    if (desc.kind === 'file' && desc.owned) host(() => fchownSync(desc.hostFd, uid, gid));
    else host(() => chownSync(hostPathOf(desc), uid, gid));
    return 0;
  },

  fevent(ctx, fd, interest) {
    const desc = described(ctx, fd);
    if (desc.kind !== 'pipe') return interest & (EVENT_READ | EVENT_WRITE);
    if (desc.end === 'read') return desc.pipe.available > 0 || desc.pipe.writers === 0 ? interest & EVENT_READ : 0;
    return desc.pipe.readers === 0 || desc.pipe.available < PIPE_BUF_LIMIT ? interest & EVENT_WRITE : 0;
  },

  fstatvfs(ctx, fd) {
    const s = host(() => statfsSync(hostPathOf(described(ctx, fd))));
    const out: StatVfs = {
      type: `host:0x${s.type.toString(16)}`, blockSize: s.bsize, blocks: s.blocks, freeBlocks: s.bfree, availableBlocks: s.bavail,
      files: s.files, freeFiles: s.ffree, nameMax: 255, readOnly: false,
    };
    return out;
  },

  futimens(ctx, fd, atimeSec, atimeNsec, mtimeSec, mtimeNsec) {
    const desc = described(ctx, fd);
    for (const [sec, nsec] of [[atimeSec, atimeNsec], [mtimeSec, mtimeNsec]] as const) {
      const special = sec === UTIME_NOW || sec === UTIME_OMIT;
      if (!Number.isInteger(sec) || (!special && sec < 0) || !Number.isInteger(nsec) || nsec < 0 || nsec >= 1e9) {
        throw new SysError(Errno.EINVAL, 'bad timespec');
      }
    }
    if (desc.kind === 'pipe' || desc.kind === 'device') throw new SysError(Errno.EOPNOTSUPP, `${desc.path} has no times`);
    const current = decodeStat(hostStatOf(desc));
    const pick = (sec: number, nsec: number, oldSec: number, oldNsec: number): number =>
      sec === UTIME_NOW ? Date.now() / 1000 : sec === UTIME_OMIT ? oldSec + oldNsec / 1e9 : sec + nsec / 1e9;
    const atime = pick(atimeSec, atimeNsec, current.atimeSec, current.atimeNsec);
    const mtime = pick(mtimeSec, mtimeNsec, current.mtimeSec, current.mtimeNsec);
    if (desc.kind === 'file' && desc.owned) host(() => futimesSync(desc.hostFd, atime, mtime));
    else if (desc.kind === 'stat' && !desc.follow) host(() => lutimesSync(desc.hostPath, atime, mtime));
    else host(() => utimesSync(hostPathOf(desc), atime, mtime));
    return 0;
  },

  // ---- paths ------------------------------------------------------------------------------
  mkdir(ctx, path, mode) {
    const t = ctx.server.paths.resolveHost(path, ctx.proc.cwd);
    host(() => mkdirSync(t.hostPath, mode & 0o7777));
    host(() => chmodSync(t.hostPath, mode & 0o7777)); // exactly this mode: the OS has no umask
    return 0;
  },
  rmdir(ctx, path) {
    const t = ctx.server.paths.resolveHost(path, ctx.proc.cwd);
    host(() => rmdirSync(t.hostPath));
    return 0;
  },
  unlink(ctx, path) {
    const t = ctx.server.paths.resolveHost(path, ctx.proc.cwd);
    host(() => unlinkSync(t.hostPath));
    return 0;
  },
  rename(ctx, from, to) {
    const a = ctx.server.paths.resolveHost(from, ctx.proc.cwd);
    const b = ctx.server.paths.resolveHost(to, ctx.proc.cwd);
    host(() => renameSync(a.hostPath, b.hostPath));
    return 0;
  },
  link(ctx, from, to) {
    const a = ctx.server.paths.resolveHost(from, ctx.proc.cwd);
    const b = ctx.server.paths.resolveHost(to, ctx.proc.cwd);
    host(() => linkSync(a.hostPath, b.hostPath));
    return 0;
  },
  symlink(ctx, target, path) {
    if (target.length === 0) throw new SysError(Errno.ENOENT, 'empty symlink target');
    const t = ctx.server.paths.resolveHost(path, ctx.proc.cwd);
    host(() => symlinkSync(target, t.hostPath));
    return 0;
  },
  readlink(ctx, path) {
    const t = ctx.server.paths.resolveHost(path, ctx.proc.cwd);
    return host(() => readlinkSync(t.hostPath, 'utf8'));
  },
  chdir(ctx, path) {
    const t = ctx.server.paths.resolveHost(path, ctx.proc.cwd);
    if (!host(() => statSync(t.hostPath)).isDirectory()) throw new SysError(Errno.ENOTDIR, path);
    ctx.proc.cwd = t.absolute;
    return 0;
  },
  getcwd(ctx) {
    return ctx.proc.cwd;
  },
  chmod(ctx, path, mode) {
    const t = ctx.server.paths.resolveHost(path, ctx.proc.cwd);
    host(() => chmodSync(t.hostPath, mode & 0o7777));
    return 0;
  },
  chown(ctx, path, uid, gid) {
    const t = ctx.server.paths.resolveHost(path, ctx.proc.cwd);
    host(() => chownSync(t.hostPath, uid, gid));
    return 0;
  },

  // ---- processes --------------------------------------------------------------------------
  spawn(ctx, request) {
    return ctx.server.spawn(ctx.proc, validSpawnRequest(request));
  },

  exit(ctx, status) {
    ctx.server.terminate(ctx.proc, exitedStatus(status));
    return undefined as never;
  },

  async waitpid(ctx, pid, options) {
    if (!Number.isInteger(pid) || (options & ~(WNOHANG | WUNTRACED)) !== 0) throw new SysError(Errno.EINVAL, 'waitpid');
    for (;;) {
      const candidates = [...ctx.proc.children]
        .map((p) => ctx.server.processes.get(p))
        .filter((c): c is LinuxProcess => !!c && matchesWait(ctx.proc, c, pid));
      if (candidates.length === 0) throw new SysError(Errno.ECHILD);
      const zombie = candidates.find((c) => !c.alive);
      if (zombie) {
        ctx.server.reap(ctx.proc, zombie);
        return [zombie.pid, zombie.status] as const;
      }
      if (options & WNOHANG) return [0, 0] as const;
      await ctx.proc.childEvents.wait(ctx.signal);
    }
  },

  kill(ctx, pid, sig) {
    if (!Number.isInteger(sig) || sig < 0 || sig >= NSIG) throw new SysError(Errno.EINVAL, `signal ${sig}`);
    const targets = ctx.server.signalTargets(ctx.proc, pid);
    if (targets.length === 0) throw new SysError(Errno.ESRCH, `no process ${pid} run by this server`);
    for (const target of targets) ctx.server.signal(target, sig);
    return 0;
  },

  getpid: (ctx) => ctx.proc.pid,
  getppid: (ctx) => ctx.proc.ppid,
  getuid: (ctx) => ctx.proc.uid,
  getgid: (ctx) => ctx.proc.gid,
  geteuid: (ctx) => ctx.proc.uid,
  getegid: (ctx) => ctx.proc.gid,

  setuid(ctx, uid) {
    if (!Number.isInteger(uid) || uid < 0) throw new SysError(Errno.EINVAL, `uid ${uid}`);
    if (uid !== ctx.proc.uid) throw new SysError(Errno.EPERM, 'the Linux backend runs as the host user');
    return 0;
  },

  setgid(ctx, gid) {
    if (!Number.isInteger(gid) || gid < 0) throw new SysError(Errno.EINVAL, `gid ${gid}`);
    if (gid !== ctx.proc.gid) throw new SysError(Errno.EPERM, 'the Linux backend runs as the host group');
    return 0;
  },

  setpgid(ctx, pid, pgid) {
    const target = pid === 0 ? ctx.proc : ctx.server.processes.get(pid);
    if (!target || !target.alive) throw new SysError(Errno.ESRCH);
    if (target !== ctx.proc && target.ppid !== ctx.proc.pid) throw new SysError(Errno.ESRCH, 'not self or a child');
    if (!Number.isInteger(pgid) || pgid < 0) throw new SysError(Errno.EINVAL);
    target.pgid = pgid === 0 ? target.pid : pgid;
    return 0;
  },

  getpgid(ctx, pid) {
    const target = pid === 0 ? ctx.proc : ctx.server.processes.get(pid);
    if (!target) throw new SysError(Errno.ESRCH);
    return target.pgid;
  },

  setsid(ctx) {
    if (ctx.proc.pgid === ctx.proc.pid) throw new SysError(Errno.EPERM, 'already a process group leader');
    ctx.proc.sid = ctx.proc.pid;
    ctx.proc.pgid = ctx.proc.pid;
    return ctx.proc.pid;
  },

  getns: () => null,

  // ---- signals ----------------------------------------------------------------------------
  sigaction: (ctx, sig, disposition) => setDisposition(ctx.proc, sig, disposition),

  sigprocmask(ctx, how, mask) {
    const [old, deliverable] = changeMask(ctx.proc, how, mask);
    for (let sig = 1; sig < NSIG && ctx.proc.alive; sig++) if (deliverable & sigbit(sig)) ctx.server.act(ctx.proc, sig);
    return old;
  },

  sigpending(ctx) {
    return ((ctx.proc.sigPending | Atomics.load(ctx.proc.slot.words, SLOT_SIGNALS)) & ~1) >>> 0;
  },

  // ---- time -------------------------------------------------------------------------------
  async nanosleep(ctx, seconds, nanoseconds) {
    if (seconds < 0 || nanoseconds < 0 || nanoseconds >= 1e9) throw new SysError(Errno.EINVAL, 'bad timespec');
    // Node's timers may fire up to a millisecond before performance.now() reaches the deadline; sleep out the rest.
    const deadline = performance.now() + seconds * 1000 + nanoseconds / 1e6;
    for (let left = deadline - performance.now(); left > 0; left = deadline - performance.now()) await sleep(Math.max(left, 0.1), ctx.signal);
    return 0;
  },

  clock_gettime(_ctx, clock) {
    return clockNow(clock);
  },

  sched_yield: () => 0,
};

