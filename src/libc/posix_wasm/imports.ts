/**
 * `redox_posix`: our own wasm import module, the POSIX that WASI preview1 lacks, for C programs
 * linked with libc/c (libredox.a). Every function returns a WASI errno (0 on success; the C side
 * stores it in errno, whose values wasi-libc takes from WASI) and writes results through
 * pointers, except the id getters, which cannot fail and return the id.
 *
 * Descriptors are WASI fds of the shared FdTable, translated to kernel fds here, so a C program's
 * fd numbers mean the same to pipe, dup2 and posix_spawn as to read and write. Signal handlers
 * are C functions: when the kernel marks a handled signal, libc's syscall() runs our JS handler at
 * the next syscall boundary, which calls the module's exported `__redox_signal_entry(sig)`.
 *
 * Spawn records (from libc/c/include/redox/abi.h): argv and env are NUL-terminated strings
 * packed back to back; a file action is 7 i32 {op, fd, newfd, flags, mode, path_ptr, path_len}
 * with op 1 close, 2 dup2, 3 open and flags SPAWN_OPEN_* below.
 */
import { Errno, SysError } from '../../syscall/errno.ts';
import { O_APPEND, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_RDONLY, O_TRUNC, O_WRONLY } from '../../syscall/flags.ts';
import { SIG_DFL, SIG_HANDLE, SIG_IGN } from '../../syscall/signal.ts';
import type { SpawnRequest } from '../../syscall/table.ts';
import {
  TERMIOS_BYTES, WINSIZE_BYTES, decodeTermios, decodeWinsize, defaultTermios, encodeTermios, encodeWinsize, type Winsize,
} from '../../syscall/termios.ts';
import { setSignalHandler, syscall } from '../syscall.ts';
import { getWindowSize, setWindowSize, tcgetattr, tcgetpgrp, tcsetattr, tcsetpgrp, terminalOf } from '../termios.ts';
import { W, WasiError } from '../wasi/abi.ts';
import type { WasiContext } from '../wasi/context.ts';
import { isTerminalPath, newEntry, type FdEntry } from '../wasi/fd_table.ts';
import { edge } from '../wasi/preview1.ts';
import type { WasmExports } from '../wasi/webassembly.ts';

export const SPAWN_SETPGROUP = 1;
export const SPAWN_SETSIGMASK = 2;
export const SPAWN_SETSIGDEF = 4;

const ACTION_CLOSE = 1;
const ACTION_DUP2 = 2;
const ACTION_OPEN = 3;
const ACTION_BYTES = 28;

export const SPAWN_OPEN_READ = 1;
export const SPAWN_OPEN_WRITE = 2;
export const SPAWN_OPEN_CREAT = 4;
export const SPAWN_OPEN_EXCL = 8;
export const SPAWN_OPEN_TRUNC = 16;
export const SPAWN_OPEN_APPEND = 32;
export const SPAWN_OPEN_DIRECTORY = 64;

const MAX_FD = 1023;

function kernelOpenFlags(flags: number, mode: number): number {
  let out = O_CLOEXEC;
  if (flags & SPAWN_OPEN_READ) out |= O_RDONLY;
  if (flags & SPAWN_OPEN_WRITE) out |= O_WRONLY;
  if (flags & SPAWN_OPEN_CREAT) out |= O_CREAT | (mode & 0o7777);
  if (flags & SPAWN_OPEN_EXCL) out |= O_EXCL;
  if (flags & SPAWN_OPEN_TRUNC) out |= O_TRUNC;
  if (flags & SPAWN_OPEN_APPEND) out |= O_APPEND;
  if (flags & SPAWN_OPEN_DIRECTORY) out |= O_DIRECTORY;
  return out;
}

const copyEntry = (from: FdEntry, kfd: number): FdEntry =>
  newEntry(kfd, { path: from.path, filetype: from.filetype, rightsBase: from.rightsBase, rightsInheriting: from.rightsInheriting });

export function redoxPosix(ctx: WasiContext, exports: () => WasmExports): Record<string, (...args: never[]) => number> {
  const m = ctx.memory;
  const t = ctx.table;

  const stringList = (ptr: number, len: number): string[] => {
    if (len === 0) return [];
    const text = m.string(ptr, len);
    return (text.endsWith('\0') ? text.slice(0, -1) : text).split('\0');
  };

  /** Writes `text` as a C string into [buf, buf + len) and its length to usedOut; ERANGE if it does not fit. */
  const putString = (text: string, buf: number, len: number, usedOut: number): void => {
    const bytes = new TextEncoder().encode(text);
    if (bytes.length + 1 > len) throw new WasiError(W.ERANGE, `a buffer of ${len} bytes is too small for ${bytes.length + 1}`);
    m.write(buf, bytes);
    m.setU8(buf + bytes.length, 0);
    m.setU32(usedOut, bytes.length);
  };

  /** The child's fds: every WASI fd but the preopens at the same number, then the file actions. */
  function childFds(actionsPtr: number, count: number, temporary: number[]): [number, number][] {
    const map = new Map<number, number>();
    for (const [fd, entry] of t.list()) if (entry.preopen === null && !entry.cloexec && fd <= MAX_FD) map.set(fd, entry.kfd);
    for (let i = 0; i < count; i++) {
      const at = actionsPtr + i * ACTION_BYTES;
      const [op, fd, newfd, flags, mode, pathPtr, pathLen] = [0, 4, 8, 12, 16, 20, 24].map((o) => m.i32(at + o)) as number[];
      if (fd! < 0 || fd! > MAX_FD) throw new WasiError(W.EBADF, `file action on fd ${fd}`);
      if (op === ACTION_CLOSE) map.delete(fd!);
      else if (op === ACTION_DUP2) {
        const source = map.get(fd!);
        if (source === undefined || newfd! < 0 || newfd! > MAX_FD) throw new WasiError(W.EBADF, `dup2 of fd ${fd}`);
        map.set(newfd!, source);
      } else if (op === ACTION_OPEN) {
        const kfd = syscall('open', m.path(pathPtr!, pathLen!), kernelOpenFlags(flags!, mode!));
        temporary.push(kfd);
        map.set(fd!, kfd);
      } else throw new WasiError(W.EINVAL, `file action ${op}`);
    }
    return [...map].sort((a, b) => a[0] - b[0]);
  }

  /** Runs `spawn` with the caller's mask and ignored signals changed as the attributes ask, then restores them. */
  function withAttributes<T>(flags: number, sigmask: number, sigdefault: number, spawn: () => T): T {
    const restore: (() => void)[] = [];
    try {
      if (flags & SPAWN_SETSIGMASK) {
        const old = syscall('sigprocmask', 2, sigmask >>> 0);
        restore.push(() => void syscall('sigprocmask', 2, old));
      }
      if (flags & SPAWN_SETSIGDEF) {
        for (let sig = 1; sig < 32; sig++) {
          if (!(sigdefault & (1 << sig)) || sig === 9 || sig === 19) continue;
          const old = syscall('sigaction', sig, SIG_DFL);
          if (old === SIG_IGN) restore.push(() => void syscall('sigaction', sig, old));
          else syscall('sigaction', sig, old);
        }
      }
      return spawn();
    } finally {
      for (const undo of restore.reverse()) undo();
    }
  }

  const handlerFor = (sig: number): void => {
    const entry = exports().__redox_signal_entry;
    if (typeof entry === 'function') (entry as (s: number) => void)(sig);
  };

  return {
    spawn: edge((pathPtr: number, pathLen: number, argvPtr: number, argvLen: number, envPtr: number, envLen: number,
      actionsPtr: number, actions: number, flags: number, pgid: number, sigmask: number, sigdefault: number, pidOut: number) => {
      const argv = stringList(argvPtr, argvLen);
      if (argv.length === 0) throw new WasiError(W.EINVAL, 'argv must not be empty');
      const env: Record<string, string> = {};
      for (const pair of stringList(envPtr, envLen)) {
        const eq = pair.indexOf('=');
        if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      const temporary: number[] = [];
      try {
        const request: SpawnRequest = { path: m.path(pathPtr, pathLen), argv, env, fds: childFds(actionsPtr, actions, temporary) };
        if (flags & SPAWN_SETPGROUP) request.pgid = pgid;
        m.setI32(pidOut, withAttributes(flags, sigmask, sigdefault, () => syscall('spawn', request)));
      } finally {
        for (const kfd of temporary) syscall('close', kfd);
      }
    }),
    waitpid: edge((pid: number, options: number, statusOut: number, pidOut: number) => {
      const [got, status] = syscall('waitpid', pid, options);
      m.setI32(pidOut, got);
      m.setI32(statusOut, status);
    }),
    kill: edge((pid: number, sig: number) => void syscall('kill', pid, sig)),
    sigaction: edge((sig: number, disposition: number, oldOut: number) => {
      if (disposition < SIG_DFL || disposition > SIG_HANDLE) throw new WasiError(W.EINVAL, `disposition ${disposition}`);
      const old = syscall('sigaction', sig, disposition);
      setSignalHandler(sig, disposition === SIG_HANDLE ? handlerFor : null);
      m.setI32(oldOut, old);
    }),
    sigprocmask: edge((how: number, mask: number, oldOut: number) => m.setU32(oldOut, syscall('sigprocmask', how, mask >>> 0))),
    sigpending: edge((out: number) => m.setU32(out, syscall('sigpending'))),
    pipe: edge((out: number) => {
      const [r, w] = syscall('pipe', O_CLOEXEC);
      const rfd = t.place(newEntry(r));
      const wfd = t.place(newEntry(w));
      m.setI32(out, rfd);
      m.setI32(out + 4, wfd);
    }),
    dup: edge((fd: number, out: number) => {
      const entry = t.get(fd);
      m.setI32(out, t.place(copyEntry(entry, syscall('dup', entry.kfd))));
    }),
    dup2: edge((fd: number, newfd: number) => {
      const entry = t.get(fd);
      if (newfd < 0 || newfd > MAX_FD) throw new WasiError(W.EBADF, `fd ${newfd}`);
      if (fd === newfd) return;
      // Prefer the same kernel number so children see the fd where the program put it.
      const kfd = t.kernelFdTaken(newfd, newfd) ? syscall('dup', entry.kfd) : syscall('dup2', entry.kfd, newfd);
      t.replace(newfd, copyEntry(entry, kfd));
    }),
    getpid: () => syscall('getpid'),
    getppid: () => syscall('getppid'),
    getuid: () => syscall('getuid'),
    getgid: () => syscall('getgid'),
    geteuid: () => syscall('geteuid'),
    getegid: () => syscall('getegid'),
    getpgid: edge((pid: number, out: number) => m.setI32(out, syscall('getpgid', pid))),
    setpgid: edge((pid: number, pgid: number) => void syscall('setpgid', pid, pgid)),
    setsid: edge((out: number) => m.setI32(out, syscall('setsid'))),
    chdir: edge((ptr: number, len: number) => void syscall('chdir', m.path(ptr, len))),
    getcwd: edge((buf: number, len: number, usedOut: number) => putString(syscall('getcwd'), buf, len, usedOut)),
    isatty: edge((fd: number) => {
      if (!isTerminalPath(syscall('fpath', t.get(fd).kfd))) throw new SysError(Errno.ENOTTY, `fd ${fd}`);
    }),
    tcgetattr: edge((fd: number, out: number) => {
      const kfd = t.get(fd).kfd;
      m.write(out, encodeTermios(onRawConsole(kfd) ? defaultTermios() : tcgetattr(kfd)));
    }),
    tcsetattr: edge((fd: number, ptr: number) => {
      const kfd = t.get(fd).kfd;
      const wanted = decodeTermios(m.slice(ptr, TERMIOS_BYTES));
      if (!onRawConsole(kfd)) return tcsetattr(kfd, wanted);
      const fixed = defaultTermios();
      if (wanted.iflag !== fixed.iflag || wanted.oflag !== fixed.oflag || wanted.cflag !== fixed.cflag || wanted.lflag !== fixed.lflag) {
        throw new WasiError(W.ENOTSUP, 'the raw console keeps the host terminal\'s settings');
      }
    }),
    tcgetwinsize: edge((fd: number, out: number) => {
      const kfd = t.get(fd).kfd;
      m.write(out, encodeWinsize(onRawConsole(kfd) ? sizeFromEnvironment(ctx.env) : getWindowSize(kfd)));
    }),
    tcsetwinsize: edge((fd: number, ptr: number) => {
      const kfd = t.get(fd).kfd;
      if (onRawConsole(kfd)) throw new WasiError(W.ENOTSUP, 'the raw console has the host terminal\'s size');
      setWindowSize(kfd, decodeWinsize(m.slice(ptr, WINSIZE_BYTES)));
    }),
    tcgetpgrp: edge((fd: number, out: number) => m.setI32(out, tcgetpgrp(t.get(fd).kfd))),
    tcsetpgrp: edge((fd: number, pgid: number) => tcsetpgrp(t.get(fd).kfd, pgid)),
    ptsname: edge((fd: number, buf: number, len: number, usedOut: number) => {
      const master = /^(\/scheme\/pty\/\d+)\/master$/.exec(syscall('fpath', t.get(fd).kfd));
      if (!master) throw new SysError(Errno.ENOTTY, `fd ${fd} is not a pseudo-terminal master`);
      putString(master[1]!, buf, len, usedOut);
    }),
    fpath: edge((fd: number, buf: number, len: number, usedOut: number) => putString(syscall('fpath', t.get(fd).kfd), buf, len, usedOut)),
  };
}

/**
 * The raw console (/scheme/debug) is the host's own terminal, used before ptyd runs or when the
 * host's output is not a terminal: it keeps the host's line discipline, so it reports ptyd's
 * default settings and refuses any change, and its size comes from $LINES and $COLUMNS.
 */
function onRawConsole(kfd: number): boolean {
  return terminalOf(kfd) === '/scheme/debug';
}

function sizeFromEnvironment(env: readonly string[]): Winsize {
  const number = (name: string, fallback: number): number => {
    const value = Number(env.find((entry) => entry.startsWith(`${name}=`))?.slice(name.length + 1));
    return Number.isInteger(value) && value > 0 && value < 10000 ? value : fallback;
  };
  return { rows: number('LINES', 24), cols: number('COLUMNS', 80), xpixel: 0, ypixel: 0 };
}
