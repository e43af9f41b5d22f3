/**
 * The `proc` scheme: one directory per process (`/scheme/proc/PID`, and `self`) holding `status`
 * (key: value lines, what `ps` reads), `cmdline` (argv, NUL-separated), `cwd`, `environ` and
 * `fds` (fd -> path lines).
 *
 * As on Linux, `status` and `cmdline` are world-readable, while `environ`, `fds` and `cwd` are
 * private (mode 0o400): opening one for reading is `EACCES` unless the caller's euid is 0, or
 * equals both the target's real and effective uid (so a set-uid program's are root's only).
 * `self` is always readable.
 */
import { Errno, SysError } from '../../syscall/errno.ts';
import { SIG_HANDLE, SIG_IGN } from '../../syscall/signal.ts';
import type { Kernel } from '../kernel.ts';
import type { Process } from '../process.ts';
import type { Call } from '../scheme.ts';
import type { Pid } from '../types.ts';
import { GeneratedScheme, type GeneratedNode } from './generated.ts';

const PER_PROCESS = ['cmdline', 'cwd', 'environ', 'fds', 'status'];

export class ProcScheme extends GeneratedScheme {
  readonly name = 'proc';

  constructor(private readonly kernel: Kernel) {
    super();
  }

  protected lookup(path: string, call: Call): GeneratedNode | undefined {
    if (path === '') return { kind: 'dir', list: () => ['self', ...[...this.kernel.processes.keys()].sort((a, b) => a - b).map(String)] };
    const [pidPart, file, ...rest] = path.split('/');
    if (rest.length) return undefined;
    const pid = pidPart === 'self' ? call.caller.pid : Number(pidPart);
    const proc = Number.isInteger(pid) ? this.kernel.processes.get(pid as Pid) : undefined;
    if (!proc) return undefined;
    if (file === undefined) return { kind: 'dir', list: () => PER_PROCESS };
    return this.file(proc, file, call);
  }

  private file(proc: Process, name: string, call: Call): GeneratedNode | undefined {
    /** A private file: generated only for a caller that may read it (stat is still allowed). */
    const owned = (read: () => string): GeneratedNode => ({
      kind: 'file',
      mode: 0o400,
      read: () => {
        if (!mayInspect(call, proc)) throw new SysError(Errno.EACCES, `/scheme/proc/${proc.pid}/${name}`);
        return read();
      },
    });
    switch (name) {
      case 'status':
        return { kind: 'file', read: () => status(proc) };
      case 'cmdline':
        return { kind: 'file', read: () => proc.argv.join('\0') + '\0' };
      case 'cwd':
        return owned(() => proc.cwd + '\n');
      case 'environ':
        return owned(() => Object.entries(proc.env).map(([k, v]) => `${k}=${v}\0`).join(''));
      case 'fds':
        return owned(() => proc.fds.list().map(([fd, e]) => `${fd} ${e.description.path}\n`).join(''));
      default:
        return undefined;
    }
  }
}

/** Linux's ptrace-read rule, simplified: root, the process itself, or a caller whose euid is the target's uid and euid. */
function mayInspect(call: Call, target: Process): boolean {
  const caller = call.caller;
  return caller.uid === 0 || caller.pid === target.pid || (caller.uid === target.uid && caller.uid === target.euid);
}

function mask(actions: Uint8Array, disposition: number): string {
  let bits = 0;
  actions.forEach((action, sig) => {
    if (sig > 0 && action === disposition) bits |= 1 << sig;
  });
  return (bits >>> 0).toString(16).padStart(8, '0');
}

function status(p: Process): string {
  const state = p.state === 'running' ? 'R (running)' : p.state === 'stopped' ? 'T (stopped)' : 'Z (zombie)';
  return [
    `Name: ${p.name}`, `State: ${state}`, `Pid: ${p.pid}`, `PPid: ${p.ppid}`, `Pgid: ${p.pgid}`, `Sid: ${p.sid}`,
    `Uid: ${p.uid} ${p.euid}`, `Gid: ${p.gid} ${p.egid}`, `MemLimitMiB: ${p.memoryMiB}`,
    `StartTime: ${p.startedAt}`, `Syscalls: ${p.syscallCount}`,
    `Namespace: ${p.namespace ? [...p.namespace].sort().join(',') : '*'}`,
    `SigCaught: ${mask(p.sigActions, SIG_HANDLE)}`, `SigIgnored: ${mask(p.sigActions, SIG_IGN)}`,
    `SigBlocked: ${p.sigBlocked.toString(16).padStart(8, '0')}`, `Syscall: ${p.thread.syscall ?? '-'}`,
  ].join('\n') + '\n';
}
