/**
 * Processes: the kernel's record of each one (ids, credentials, cwd, namespace, signal state,
 * file table, children) and its single thread's syscall slot and CPU. The process table itself
 * lives in kernel.ts; this file owns no global state.
 *
 * File descriptors point at shared FileDescriptions (dup and spawn share them, as POSIX open file
 * descriptions are shared); a description is closed on its scheme when its last reference goes.
 */
import { Errno, SysError } from '../syscall/errno.ts';
import { NSIG, SIG_DFL } from '../syscall/signal.ts';
import { SlotView } from '../syscall/slot.ts';
import type { Scheme } from './scheme.ts';
import type { Cpu, Pid } from './types.ts';
import { WaitQueue } from './wait_queue.ts';

export const OPEN_MAX = 1024;

export class FileDescription {
  refs = 1;
  constructor(
    readonly scheme: Scheme,
    readonly id: number,
    public flags: number,
    readonly path: string,
  ) {}
}

interface FdEntry {
  description: FileDescription;
  cloexec: boolean;
}

export class FdTable {
  private readonly entries = new Map<number, FdEntry>();

  get(fd: number): FdEntry {
    const entry = Number.isInteger(fd) ? this.entries.get(fd) : undefined;
    if (!entry) throw new SysError(Errno.EBADF, `fd ${fd}`);
    return entry;
  }

  has(fd: number): boolean {
    return this.entries.has(fd);
  }

  /** Installs at the lowest free number at or above `from`. */
  install(description: FileDescription, cloexec: boolean, from = 0): number {
    for (let fd = from; fd < OPEN_MAX; fd++) {
      if (!this.entries.has(fd)) {
        this.entries.set(fd, { description, cloexec });
        return fd;
      }
    }
    throw new SysError(Errno.EMFILE);
  }

  /** Puts a description at a given number; returns what was there (the caller must release it). */
  replace(fd: number, description: FileDescription, cloexec: boolean): FileDescription | undefined {
    if (!Number.isInteger(fd) || fd < 0 || fd >= OPEN_MAX) throw new SysError(Errno.EBADF, `fd ${fd}`);
    const old = this.entries.get(fd)?.description;
    this.entries.set(fd, { description, cloexec });
    return old;
  }

  remove(fd: number): FileDescription {
    const entry = this.get(fd);
    this.entries.delete(fd);
    return entry.description;
  }

  removeAll(): FileDescription[] {
    const all = [...this.entries.values()].map((e) => e.description);
    this.entries.clear();
    return all;
  }

  list(): [number, FdEntry][] {
    return [...this.entries.entries()].sort((a, b) => a[0] - b[0]);
  }
}

export type ProcessState = 'running' | 'stopped' | 'zombie';

export class Thread {
  readonly slot: SlotView;
  /** Aborts the syscall in flight (EINTR, or the process dying). */
  inFlight: AbortController | null = null;
  /** The syscall being served, for /scheme/proc/PID/status (null when running user code). */
  syscall: string | null = null;
  constructor(
    readonly slotBuffer: SharedArrayBuffer,
    public cpu: Cpu | null,
  ) {
    this.slot = new SlotView(slotBuffer);
  }
}

export class Process {
  ppid: Pid;
  pgid: number;
  sid: number;
  uid: number;
  gid: number;
  euid: number;
  egid: number;
  cwd: string;
  env: Record<string, string>;
  readonly argv: string[];
  readonly name: string;
  /** Scheme names this process may open; null means every scheme (the root namespace). */
  namespace: Set<string> | null;
  readonly fds = new FdTable();
  state: ProcessState = 'running';
  /** Wait status once a zombie (or the stop status while stopped and not yet reported). */
  status = 0;
  stopReported = true;
  readonly children = new Set<Pid>();
  /** Woken whenever a child changes state (exit, stop), for waitpid. */
  readonly childEvents = new WaitQueue();
  /** Woken when the process continues after a stop. */
  readonly continued = new WaitQueue();
  readonly sigActions = new Uint8Array(NSIG).fill(SIG_DFL);
  sigBlocked = 0;
  /** Signals raised while blocked; acted on (Kernel.act) when sigprocmask unblocks them. */
  sigPending = 0;
  readonly startedAt = Date.now();
  memoryMiB: number;
  readonly thread: Thread;
  /** Shared-memory objects this process has mapped, by map id (for futex). */
  readonly maps = new Map<number, SharedArrayBuffer>();
  nextMapId = 1;
  syscallCount = 0;

  constructor(
    readonly pid: Pid,
    init: {
      ppid: Pid; pgid: number; sid: number; uid: number; gid: number; cwd: string; env: Record<string, string>;
      argv: string[]; namespace: Set<string> | null; memoryMiB: number; slot: SharedArrayBuffer;
    },
  ) {
    this.ppid = init.ppid;
    this.pgid = init.pgid;
    this.sid = init.sid;
    this.uid = this.euid = init.uid;
    this.gid = this.egid = init.gid;
    this.cwd = init.cwd;
    this.env = init.env;
    this.argv = init.argv;
    this.name = (init.argv[0] ?? '?').split('/').pop() || '?';
    this.namespace = init.namespace;
    this.memoryMiB = init.memoryMiB;
    this.thread = new Thread(init.slot, null);
  }

  get alive(): boolean {
    return this.state !== 'zombie';
  }

  canUseScheme(name: string): boolean {
    return this.namespace === null || this.namespace.has(name);
  }
}
