/** Processes for TypeScript programs: spawn (posix_spawn), wait, exit, ids and namespaces. */
import { Errno, SysError, strerror } from '../syscall/errno.ts';
import { WNOHANG } from '../syscall/flags.ts';
import type { SpawnRequest } from '../syscall/table.ts';
import { bootInfo } from './boot.ts';
import { eprint, flushAll } from './stdio.ts';
import { syscall } from './syscall.ts';

export const getpid = (): number => syscall('getpid');
export const getppid = (): number => syscall('getppid');
export const getuid = (): number => syscall('getuid');
export const getgid = (): number => syscall('getgid');
export const geteuid = (): number => syscall('geteuid');
export const getegid = (): number => syscall('getegid');
export const setuid = (uid: number): number => syscall('setuid', uid);
export const setgid = (gid: number): number => syscall('setgid', gid);
export const setpgid = (pid: number, pgid: number): number => syscall('setpgid', pid, pgid);
export const getpgid = (pid = 0): number => syscall('getpgid', pid);
export const setsid = (): number => syscall('setsid');
export const kill = (pid: number, sig: number): number => syscall('kill', pid, sig);
export const setrens = (schemes: string[]): number => syscall('setrens', schemes);
export const getns = (): string[] | null => syscall('getns') as string[] | null;

/** The environment, mutable as C's environ is; children get a copy at spawn. */
export const environ: Record<string, string> = { ...bootInfoEnv() };

function bootInfoEnv(): Record<string, string> {
  try {
    return bootInfo().env;
  } catch {
    return {};
  }
}

export function spawn(path: string, argv: string[], options: Partial<Omit<SpawnRequest, 'path' | 'argv'>> = {}): number {
  const request: SpawnRequest = { path, argv, env: options.env ?? environ };
  if (options.cwd !== undefined) request.cwd = options.cwd;
  if (options.fds !== undefined) request.fds = options.fds;
  if (options.pgid !== undefined) request.pgid = options.pgid;
  if (options.memoryMiB !== undefined) request.memoryMiB = options.memoryMiB;
  if (options.uid !== undefined) request.uid = options.uid;
  if (options.gid !== undefined) request.gid = options.gid;
  return syscall('spawn', request);
}

export function waitpid(pid: number, options = 0): { pid: number; status: number } {
  const [got, status] = syscall('waitpid', pid, options);
  return { pid: got, status };
}

export const tryWait = (pid: number): { pid: number; status: number } => waitpid(pid, WNOHANG);

/** Waits for `pid` to end and returns its wait status, riding out interrupts by handled signals. */
export function waitExit(pid: number): number {
  for (;;) {
    try {
      return waitpid(pid).status;
    } catch (error) {
      if (!(error instanceof SysError && error.errno === Errno.EINTR)) throw error;
    }
  }
}

/**
 * Flushes stdio and ends the process. Output that cannot be written (a closed descriptor, a
 * reader gone with SIGPIPE ignored, a full disk) is reported on stderr and the status becomes 1
 * unless it already says failure, as C programs' `write error` does.
 */
export function exit(status: number): never {
  try {
    flushAll();
  } catch (error) {
    if (!(error instanceof SysError)) throw error;
    const name = (bootInfo().argv[0] ?? 'program').split('/').pop();
    try {
      eprint(`${name}: write error: ${strerror(error.errno)}`);
    } catch (reportError) {
      // stderr is gone too: the status is all that is left to say it.
      if (!(reportError instanceof SysError)) throw reportError;
    }
    if ((status & 0xff) === 0) status = 1;
  }
  return syscall('exit', status & 0xff);
}
