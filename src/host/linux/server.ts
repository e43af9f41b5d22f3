/**
 * The Linux backend's syscall server: relibc's Linux backend for our libc. It runs program
 * bundles (the same `#!redox-js` / wasm programs the OS runs) in Workers started with the OS's
 * own process runtime (boot/procrt.js), gives each a syscall slot and a shared doorbell, and
 * serves the slots on the host's main thread with the kernel's own slot server
 * (src/syscall/slot_server.ts: doorbell, claim, decode, reply). The calls themselves
 * are answered over node:fs / node:child_process (handlers.ts). It keeps a small process table of
 * its own: the first program, the programs it spawns (virtual pids above Linux's pid_max) and
 * host executables they spawn (their real pids), with wait status, process groups and signals
 * (dispositions, mask, pending; handled signals are delivered through the slot's signal word and
 * abort the call in flight, as in the kernel).
 */
import type { ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { Errno, SysError, errnoName } from '../../syscall/errno.ts';
import {
  NSIG, SIG_DFL, SIG_HANDLE, SIG_IGN, SIGCHLD, SIGKILL, SIGSEGV, SIGSTOP, defaultAction, exitedStatus, signaledStatus, sigbit,
} from '../../syscall/signal.ts';
import { SLOT_NR, SLOT_SIGNALS, SlotView, createSlot } from '../../syscall/slot.ts';
import { SYSCALLS, syscallName, type SpawnRequest } from '../../syscall/table.ts';
import { WaitQueue } from '../../kernel/wait_queue.ts';
import { canonicalize } from '../../kernel/path.ts';
import type { Cpu } from '../../kernel/types.ts';
import { createCpu } from '../node/cpu.ts';
import { FdTable, releaseDescription, type Description } from './files.ts';
import { host } from './host_errors.ts';
import { HANDLERS, type LinuxContext } from './handlers.ts';
import { spawnHostProgram } from './host_child.ts';
import { PathMap } from './paths.ts';
import { ProgramSource } from './programs.ts';
import { Doorbell, claim, decodeArgs, reply } from '../../syscall/slot_server.ts';

/** Virtual pids start above Linux's largest pid_max, so they never name a host process. */
const FIRST_VIRTUAL_PID = 4_194_305;

export class LinuxProcess {
  readonly slotBuffer = createSlot();
  readonly slot = new SlotView(this.slotBuffer);
  readonly sigActions = new Uint8Array(NSIG).fill(SIG_DFL);
  sigBlocked = 0;
  sigPending = 0;
  alive = true;
  status = 0;
  readonly children = new Set<number>();
  readonly childEvents = new WaitQueue();
  inFlight: AbortController | null = null;
  syscall: string | null = null;
  worker: Cpu | null = null;
  hostChild: ChildProcess | null = null;
  uid: number;
  gid: number;

  constructor(
    readonly pid: number,
    public ppid: number,
    public pgid: number,
    public sid: number,
    public cwd: string,
    readonly argv: string[],
    readonly fds: FdTable,
  ) {
    this.uid = process.getuid?.() ?? 0;
    this.gid = process.getgid?.() ?? 0;
  }

  get name(): string {
    return (this.argv[0] ?? '?').split('/').pop()!;
  }
}

export interface LinuxServerOptions {
  /** The boot archive holding boot/procrt.js and bin/* (dist/initfs.img). */
  image: string;
  /** Virtual path prefix -> host directory (e.g. {'/tmp': '/tmp/redox-linux-XXXX'}). */
  mounts?: Record<string, string>;
  /** The first program's cwd, a virtual path (default: the host's cwd). */
  cwd?: string;
  /** Heap limit of each program Worker in MiB (default 128, as in the OS). */
  memoryMiB?: number;
  /** Called with one line per completed syscall (`pid N NAME = RESULT`), like `redox run --trace`. */
  trace?: (line: string) => void;
}

export class LinuxServer {
  readonly processes = new Map<number, LinuxProcess>();
  private readonly bell = new Doorbell();
  readonly doorbell = this.bell.buffer;
  readonly programs: ProgramSource;
  readonly paths: PathMap;
  private nextPid = FIRST_VIRTUAL_PID;
  private halted = false;
  private root: LinuxProcess | null = null;
  private rootDone: ((status: number) => void) | null = null;

  constructor(readonly options: LinuxServerOptions) {
    this.programs = new ProgramSource(options.image);
    this.paths = new PathMap(options.mounts ?? {});
  }

  // ---- the syscall loop (as Kernel.serve / Kernel.scan) -------------------------------------

  private serve(): Promise<void> {
    return this.bell.serve(() => this.scan(), () => !this.halted);
  }

  private scan(): void {
    for (const proc of this.processes.values()) {
      if (!proc.alive || !proc.worker) continue;
      if (claim(proc.slot)) this.dispatch(proc);
    }
  }

  private kick(): void {
    this.bell.ring();
  }

  private dispatch(proc: LinuxProcess): void {
    const nr = proc.slot.words[SLOT_NR]!;
    const name = syscallName(nr);
    const ret = name ? SYSCALLS[name].ret : 'int';
    const handler = name ? (HANDLERS[name] as ((ctx: LinuxContext, ...args: unknown[]) => unknown) | undefined) : undefined;
    const finish = (error: unknown, value: unknown): void => {
      proc.inFlight = null;
      proc.syscall = null;
      if (!proc.alive || ret === 'none') return;
      const errno = reply(proc.slot, ret, error, value, (bug) => {
        process.stderr.write(`redox-linux: bug in ${name} for pid ${proc.pid}: ${bug instanceof Error ? bug.stack : String(bug)}\n`);
      });
      this.options.trace?.(`pid ${proc.pid} ${name ?? `syscall ${nr}`} = ${errno ? errnoName(errno) : describe(value)}`);
    };
    if (!handler) return finish(new SysError(Errno.ENOSYS, name ?? `syscall ${nr}`), undefined);
    const controller = new AbortController();
    if (Atomics.and(proc.slot.words, SLOT_SIGNALS, ~1) !== 0) controller.abort();
    proc.inFlight = controller;
    proc.syscall = name!;
    let outcome: unknown;
    try {
      const args = decodeArgs(proc.slot, SYSCALLS[name!].args);
      outcome = handler({ server: this, proc, signal: controller.signal }, ...args);
    } catch (error) {
      return finish(error, undefined);
    }
    if (outcome instanceof Promise) outcome.then((value) => finish(undefined, value), (error: unknown) => finish(error, undefined));
    else finish(undefined, outcome);
  }

  // ---- processes ----------------------------------------------------------------------------

  /**
   * Runs the program at `path` (a virtual path; `/bin/NAME` is the archive's program) with
   * `stdio` as its fds 0, 1 and 2, serves it and everything it spawns, and resolves with its wait
   * status once it ends (other processes still running are then killed).
   */
  run(path: string, argv: string[], env: Record<string, string>, stdio: Description[]): Promise<number> {
    if (this.root || this.halted) throw new Error('a LinuxServer runs one program');
    const cwd = canonicalize(this.options.cwd ?? process.cwd(), '/');
    const fds = new FdTable();
    stdio.forEach((desc, fd) => fds.replace(fd, desc, false));
    const done = new Promise<number>((resolve) => (this.rootDone = resolve));
    try {
      this.root = this.start(null, { path, argv, env }, cwd, fds, process.pid);
    } catch (error) {
      for (const desc of fds.removeAll()) releaseDescription(desc);
      this.halted = true;
      throw error;
    }
    void this.serve();
    return done;
  }

  /** The `spawn` syscall: a child of `parent` running `req.path`. */
  spawn(parent: LinuxProcess, req: SpawnRequest): number {
    const cwd = req.cwd === undefined ? parent.cwd : canonicalize(req.cwd, parent.cwd);
    if (req.uid !== undefined || req.gid !== undefined) throw new SysError(Errno.EPERM, 'the Linux backend cannot change users');
    if (req.fds) {
      for (const [childFd, parentFd] of req.fds) {
        parent.fds.get(parentFd);
        if (childFd < 0 || childFd >= 1024) throw new SysError(Errno.EBADF, `child fd ${childFd}`);
      }
    }
    if (req.cwd !== undefined) {
      const where = this.paths.resolveHost(cwd, '/');
      if (!host(() => statSync(where.hostPath)).isDirectory()) throw new SysError(Errno.ENOTDIR, req.cwd);
    }
    const fds = new FdTable();
    if (req.fds) {
      for (const [childFd, parentFd] of req.fds) {
        const desc = parent.fds.get(parentFd).desc;
        desc.refs++;
        const old = fds.replace(childFd, desc, false);
        if (old) releaseDescription(old);
      }
    } else {
      for (const [fd, entry] of parent.fds.list()) {
        if (entry.cloexec) continue;
        entry.desc.refs++;
        fds.replace(fd, entry.desc, false);
      }
    }
    try {
      const child = this.start(parent, req, cwd, fds, null);
      for (let sig = 1; sig < NSIG; sig++) child.sigActions[sig] = parent.sigActions[sig] === SIG_HANDLE ? SIG_DFL : parent.sigActions[sig]!;
      child.sigBlocked = parent.sigBlocked;
      return child.pid;
    } catch (error) {
      for (const desc of fds.removeAll()) releaseDescription(desc);
      throw error;
    }
  }

  /**
   * Loads the program and starts it: a Worker for our programs, child_process for host ones (known
   * by their real pid, so the host's kill(1) and ours agree). `pid` null allocates a virtual pid.
   */
  private start(
    parent: LinuxProcess | null, req: Pick<SpawnRequest, 'path' | 'argv' | 'env' | 'memoryMiB' | 'pgid'>, cwd: string, fds: FdTable, pid: number | null,
  ): LinuxProcess {
    const absolute = canonicalize(req.path, parent?.cwd ?? cwd);
    const program = this.programs.load(absolute, (p) => this.paths.resolveHost(p, '/').hostPath, req.argv);
    let proc: LinuxProcess | null = null;
    const make = (id: number): LinuxProcess =>
      new LinuxProcess(id, parent?.pid ?? process.ppid, req.pgid === 0 ? id : (req.pgid ?? parent?.pgid ?? id), parent?.sid ?? id, cwd, req.argv, fds);
    if (program.kind === 'host') {
      const hostCwd = this.paths.resolveHost(cwd, '/').hostPath;
      let early: number | null = null;
      const child = spawnHostProgram(program.hostPath, program.argv, req.env, hostCwd, fds, (status) => {
        if (proc) this.terminate(proc, status);
        else early = status;
      });
      if (child.pid === undefined) throw new SysError(Errno.ENOENT, `${absolute} did not start`);
      proc = make(pid ?? child.pid);
      proc.hostChild = child;
      this.processes.set(proc.pid, proc);
      parent?.children.add(proc.pid);
      if (early !== null) this.terminate(proc, early);
      return proc;
    }
    proc = make(pid ?? this.nextPid++);
    const memoryMiB = req.memoryMiB ?? this.options.memoryMiB ?? 128;
    const cpu = createCpu(this.programs.runtime, memoryMiB);
    const started = proc;
    cpu.onExit((why) => {
      if (why.kind === 'crashed') process.stderr.write(`redox-linux: pid ${started.pid} (${started.name}) crashed: ${why.message}\n`);
      const status = why.kind === 'out-of-memory' ? signaledStatus(SIGKILL) : why.kind === 'crashed' ? signaledStatus(SIGSEGV) : exitedStatus(0);
      this.terminate(started, status);
    });
    proc.worker = cpu;
    this.processes.set(proc.pid, proc);
    parent?.children.add(proc.pid);
    cpu.start({ pid: proc.pid, slot: proc.slotBuffer, doorbell: this.doorbell, format: program.format, program: program.program, argv: program.argv, env: req.env });
    return proc;
  }

  /** Ends a process: stops its Worker (or host child), closes its fds, wakes its parent. */
  terminate(proc: LinuxProcess, status: number): void {
    if (!proc.alive) return;
    proc.alive = false;
    proc.status = status;
    proc.inFlight?.abort();
    const cpu = proc.worker;
    proc.worker = null;
    cpu?.terminate();
    if (proc.hostChild && proc.hostChild.exitCode === null && proc.hostChild.signalCode === null) proc.hostChild.kill('SIGKILL');
    for (const desc of proc.fds.removeAll()) releaseDescription(desc);
    for (const childPid of proc.children) {
      const child = this.processes.get(childPid);
      if (!child) continue;
      child.ppid = 0;
      if (!child.alive) this.processes.delete(childPid);
    }
    proc.children.clear();
    if (proc === this.root) {
      this.halt();
      this.rootDone?.(status);
      return;
    }
    const parent = this.processes.get(proc.ppid);
    if (parent?.alive) {
      parent.childEvents.wakeAll();
      this.signal(parent, SIGCHLD);
    } else this.processes.delete(proc.pid);
  }

  /** Stops serving and kills whatever still runs. */
  halt(): void {
    if (this.halted) return;
    this.halted = true;
    for (const proc of this.processes.values()) if (proc.alive && proc !== this.root) this.terminate(proc, signaledStatus(SIGKILL));
    this.kick();
  }

  reap(parent: LinuxProcess, child: LinuxProcess): void {
    parent.children.delete(child.pid);
    this.processes.delete(child.pid);
  }

  // ---- signals (as Kernel.signal / act / deliver) ------------------------------------------

  signal(proc: LinuxProcess, sig: number): void {
    if (!proc.alive || sig === 0) return;
    if (proc.hostChild) {
      try {
        proc.hostChild.kill(sig);
      } catch {
        // it is already gone; its exit event reports it
      }
      return;
    }
    if (sig === SIGKILL || sig === SIGSTOP) return this.terminate(proc, signaledStatus(sig));
    if (proc.sigActions[sig] === SIG_IGN) return;
    const bit = sigbit(sig);
    if (proc.sigBlocked & bit) proc.sigPending = (proc.sigPending | bit) >>> 0;
    else this.act(proc, sig);
  }

  act(proc: LinuxProcess, sig: number): void {
    const action = proc.sigActions[sig];
    if (action === SIG_HANDLE) {
      Atomics.or(proc.slot.words, SLOT_SIGNALS, sigbit(sig) | 0);
      proc.inFlight?.abort();
      return;
    }
    if (action !== SIG_DFL) return;
    if (defaultAction(sig) === 'terminate' || defaultAction(sig) === 'stop') this.terminate(proc, signaledStatus(sig));
  }

  /** kill()'s pid argument, as seen by `sender`. */
  signalTargets(sender: LinuxProcess, pid: number): LinuxProcess[] {
    const live = [...this.processes.values()].filter((p) => p.alive);
    if (pid > 0) return [...this.processes.values()].filter((p) => p.pid === pid);
    if (pid === 0) return live.filter((p) => p.pgid === sender.pgid);
    if (pid === -1) return live.filter((p) => p !== sender);
    return live.filter((p) => p.pgid === -pid);
  }

  /** The host's SIGINT/SIGTERM/SIGHUP, passed to the first program's process group. */
  forwardHostSignal(sig: number): void {
    if (!this.root) return;
    for (const proc of this.signalTargets(this.root, -this.root.pgid)) this.signal(proc, sig);
    if (this.root.pgid !== this.root.pid) this.signal(this.root, sig);
  }
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 60));
  return JSON.stringify(value)?.slice(0, 60) ?? 'undefined';
}
