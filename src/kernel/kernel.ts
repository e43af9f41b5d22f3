/**
 * The kernel: the process table, the scheme registry, the syscall loop, process creation and
 * death, and signal delivery. Syscall handlers (syscalls/) and schemes (schemes/) are separate
 * files; this one owns the global state they share.
 *
 * Invariants: a Pid is in `processes` from spawn until its parent reaps it (or, for an orphan,
 * until init does). A zombie has no CPU, no fds and no in-flight syscall. Every FileDescription
 * reference held by a process is released exactly once (`release`).
 */
import { concatBytes } from '../syscall/bytes.ts';
import { Errno, SysError } from '../syscall/errno.ts';
import { O_CREAT, O_DIRECTORY, O_RDONLY, O_STAT, S_IFDIR, S_IFMT, S_IFREG } from '../syscall/flags.ts';
import {
  SIG_DFL, SIG_HANDLE, SIG_IGN, SIGCHLD, SIGCONT, SIGKILL, SIGSEGV, SIGSTOP, defaultAction, exitedStatus,
  signaledStatus, sigbit, stoppedStatus, WEXITSTATUS, WIFEXITED, WTERMSIG,
} from '../syscall/signal.ts';
import { SLOT_SIGNALS, SLOT_STATE, STATE_REQUEST, createSlot } from '../syscall/slot.ts';
import { Doorbell, claim } from '../syscall/slot_server.ts';
import { decodeStat } from '../syscall/stat.ts';
import type { SpawnRequest } from '../syscall/table.ts';
import { CpuPool } from './cpu_pool.ts';
import { dispatch } from './dispatch.ts';
import { loadProgram } from './loader.ts';
import { KernelLog } from './log.ts';
import { canonicalize, splitScheme } from './path.ts';
import { FileDescription, OPEN_MAX, Process } from './process.ts';
import type { Call, Scheme } from './scheme.ts';
import { RootScheme } from './schemes/root.ts';
import { ShmScheme } from './schemes/shm.ts';
import type { BootConfig, Caller, Cpu, CpuExit, Machine, Pid } from './types.ts';
import { asPid } from './types.ts';
import { WaitQueue } from './wait_queue.ts';

export const INIT_PID = asPid(1);
/** The most processes (zombies included) the machine holds at once; spawn beyond it is EAGAIN, as fork is. */
export const MAX_PROCESSES = 1024;
/** The largest program file spawn loads (64 MiB); a bigger one is E2BIG. */
export const MAX_PROGRAM_BYTES = 64 * 1024 * 1024;
const NEVER = new AbortController().signal;

export class Kernel {
  readonly log: KernelLog;
  readonly processes = new Map<Pid, Process>();
  readonly schemes = new Map<string, Scheme>();
  /** Poked whenever any handle's readiness may have changed; the event scheme waits on it. */
  readonly readiness = new WaitQueue();
  private readonly bell = new Doorbell();
  readonly doorbell = this.bell.buffer;
  readonly bootTime = Date.now();
  private readonly pool: CpuPool;
  readonly root = new RootScheme(this);
  private nextPid = 1;
  private halted = false;

  constructor(
    readonly machine: Machine,
    readonly config: BootConfig,
  ) {
    this.log = new KernelLog(2000, config.trace ? (line) => machine.hostLog(line) : null);
    this.pool = new CpuPool(machine, config.defaultMemoryMiB, config.warmCpus);
  }

  registerScheme(scheme: Scheme): void {
    if (this.schemes.has(scheme.name)) throw new SysError(Errno.EEXIST, `scheme ${scheme.name}`);
    this.schemes.set(scheme.name, scheme);
    this.log.info(`scheme ${scheme.name} registered`);
  }

  unregisterScheme(scheme: Scheme): void {
    if (this.schemes.get(scheme.name) === scheme) {
      this.schemes.delete(scheme.name);
      this.log.info(`scheme ${scheme.name} unregistered`);
    }
  }

  /** Until a daemon serves `file`, paths outside /scheme/ are served from the initfs. */
  lookupScheme(name: string): Scheme | undefined {
    return this.schemes.get(name) ?? (name === 'file' ? this.schemes.get('initfs') : undefined);
  }

  async boot(): Promise<void> {
    this.serve();
    const init = await this.spawn(null, {
      path: '/scheme/initfs/bin/init',
      argv: ['init', ...this.config.initArgs],
      env: { PATH: '/bin', HOME: '/root', USER: 'root' },
      cwd: '/',
    });
    this.log.info(`init started as pid ${init}`);
  }

  // ---- the syscall loop -------------------------------------------------------------------

  private serve(): Promise<void> {
    return this.bell.serve(() => this.scan(), () => !this.halted);
  }

  /**
   * Claims every posted call of a running process. Stopped processes wait until continued. A
   * thread has one call in flight at most: a REQUEST stored over a call still being served breaks
   * the slot protocol (only the kernel writes a CLAIMED slot), and the process is killed for it.
   */
  private scan(): void {
    for (const proc of this.processes.values()) {
      if (proc.state !== 'running') continue;
      if (proc.thread.inFlight) {
        if (Atomics.load(proc.thread.slot.words, SLOT_STATE) === STATE_REQUEST) this.protocolViolation(proc);
        continue;
      }
      if (claim(proc.thread.slot)) dispatch(this, proc);
    }
  }

  private protocolViolation(proc: Process): void {
    const busy = proc.thread.syscall ?? 'a call';
    this.log.info(`pid ${proc.pid} (${proc.name}) posted a syscall while ${busy} was in flight (slot protocol violation): killed`);
    this.terminate(proc, signaledStatus(SIGKILL));
  }

  /** Wakes the loop so calls left pending (by a stopped process, say) are looked at again. */
  kick(): void {
    this.bell.ring();
  }

  // ---- files on behalf of a process ---------------------------------------------------------

  callFor(proc: Process, signal: AbortSignal = NEVER, flags = 0): Call {
    return { caller: callerOf(proc), signal, flags };
  }

  /** Resolves and opens a path for a process, checking its namespace. */
  async openAs(proc: Process, path: string, flags: number, signal: AbortSignal): Promise<FileDescription> {
    const absolute = canonicalize(path, proc.cwd);
    const target = splitScheme(absolute);
    if (target.scheme !== '' && !proc.canUseScheme(target.scheme)) {
      throw new SysError(Errno.ENODEV, `scheme ${target.scheme} is outside this process's namespace`);
    }
    if (target.path === '' && flags & O_CREAT && target.scheme !== '' && !this.schemes.has(target.scheme)) {
      return this.root.register(proc, target.scheme, flags);
    }
    const scheme = target.scheme === '' ? this.root : this.lookupScheme(target.scheme);
    if (!scheme) throw new SysError(Errno.ENODEV, `no scheme named ${target.scheme}`);
    try {
      const id = await scheme.open(target.path, flags, this.callFor(proc, signal, flags));
      return new FileDescription(scheme, id, flags, absolute);
    } catch (error) {
      // A scheme's root always exists for stat (ls -l /scheme), even if the scheme opens nothing there.
      if (!(target.path === '' && flags & O_STAT && target.scheme !== '' && error instanceof SysError)) throw error;
      return this.root.schemeStat(target.scheme, flags);
    }
  }

  /** Reads a whole regular file that the process may execute; also gives its mode and owner. */
  async readExecutable(proc: Process, path: string): Promise<{ bytes: Uint8Array; mode: number; uid: number; gid: number }> {
    const desc = await this.openAs(proc, path, O_RDONLY, NEVER);
    try {
      const call = this.callFor(proc);
      const statRecord = await desc.scheme.fstat(desc.id, call);
      const stat = statRecord instanceof Uint8Array ? decodeStat(statRecord) : statRecord;
      if ((stat.mode & S_IFMT) !== S_IFREG) throw new SysError(Errno.EACCES, `${path} is not a regular file`);
      if ((stat.mode & 0o111) === 0) throw new SysError(Errno.EACCES, `${path} is not executable`);
      const tooBig = (): SysError => new SysError(Errno.E2BIG, `${path} is larger than the ${MAX_PROGRAM_BYTES >> 20} MiB a program may be`);
      if (stat.size > MAX_PROGRAM_BYTES) throw tooBig();
      const chunks: Uint8Array[] = [];
      let total = 0;
      for (let chunk = await desc.scheme.read(desc.id, 1 << 20, call); chunk.length > 0; chunk = await desc.scheme.read(desc.id, 1 << 20, call)) {
        total += chunk.length;
        // The size fstat gave may be stale (the file grows as we read): the cap holds for what is read.
        if (total > MAX_PROGRAM_BYTES) throw tooBig();
        chunks.push(chunk);
      }
      return { bytes: concatBytes(chunks), mode: stat.mode, uid: stat.uid, gid: stat.gid };
    } finally {
      this.release(desc);
    }
  }

  private async checkDirectory(proc: Process, path: string): Promise<void> {
    const desc = await this.openAs(proc, path, O_RDONLY | O_DIRECTORY | O_STAT, NEVER);
    try {
      const record = await desc.scheme.fstat(desc.id, this.callFor(proc));
      const stat = record instanceof Uint8Array ? decodeStat(record) : record;
      if ((stat.mode & S_IFMT) !== S_IFDIR) throw new SysError(Errno.ENOTDIR, path);
    } finally {
      this.release(desc);
    }
  }

  /** Drops one reference to a description, closing it on its scheme when it was the last. */
  /**
   * Drops a reference; the last one closes the handle in its scheme. A kernel scheme closes at
   * once, before the caller's next syscall can be claimed (a pipe's writer must see its reader
   * gone); a daemon's close completes when the daemon answers.
   */
  release(desc: FileDescription): void {
    if (--desc.refs > 0) return;
    const failed = (error: unknown): void => this.log.info(`close of ${desc.path} failed: ${String(error)}`);
    let closing: unknown;
    try {
      closing = desc.scheme.close(desc.id);
    } catch (error) {
      failed(error);
    }
    Promise.resolve(closing)
      .catch(failed)
      .finally(() => this.readiness.wakeAll());
  }

  // ---- processes --------------------------------------------------------------------------

  private allocPid(): Pid {
    for (;;) {
      const pid = asPid(this.nextPid);
      this.nextPid = this.nextPid >= 0x7fff_ffff ? 2 : this.nextPid + 1;
      if (!this.processes.has(pid)) return pid;
    }
  }

  /** Creates a process running the program at `req.path`; `parent` null creates init. */
  async spawn(parent: Process | null, req: SpawnRequest): Promise<Pid> {
    const creator = parent ?? this.kernelProcess();
    this.checkProcessLimit();
    const cwd = req.cwd === undefined ? creator.cwd : canonicalize(req.cwd, creator.cwd);
    if (req.uid !== undefined || req.gid !== undefined) {
      if (creator.euid !== 0) throw new SysError(Errno.EPERM, 'only root may spawn as another user');
    }
    const image = await loadProgram(this, creator, req.path, req.argv);
    if (req.cwd !== undefined) await this.checkDirectory(creator, cwd);
    if (parent && !parent.alive) throw new SysError(Errno.ESRCH, 'the parent died while its child was loading');
    this.checkProcessLimit();
    const pid = this.allocPid();
    const memoryMiB = req.memoryMiB ?? this.config.defaultMemoryMiB;
    const child = new Process(pid, {
      ppid: asPid(parent?.pid ?? 0),
      pgid: req.pgid === 0 ? pid : (req.pgid ?? creator.pgid),
      sid: parent ? parent.sid : pid,
      uid: req.uid ?? creator.euid,
      gid: req.gid ?? creator.egid,
      cwd,
      env: req.env,
      argv: image.argv,
      namespace: creator.namespace ? new Set(creator.namespace) : null,
      memoryMiB,
      slot: createSlot(),
    });
    if (image.setuid !== undefined) child.euid = image.setuid;
    if (image.setgid !== undefined) child.egid = image.setgid;
    // The files (checked whole before any is shared), the CPU, and only then the table: when a
    // step throws, the ones before it are undone, so a failed spawn leaves no phantom process
    // (one that waitpid would wait on forever) and holds no file reference.
    if (parent) this.inheritFrom(parent, child, req.fds);
    let cpu: Cpu | null = null;
    try {
      cpu = this.pool.take(memoryMiB);
      child.thread.cpu = cpu;
      cpu.onExit((why) => this.cpuExited(child, why));
      cpu.start({ pid, slot: child.thread.slotBuffer, doorbell: this.doorbell, format: image.format, program: image.program, argv: image.argv, env: req.env });
    } catch (error) {
      child.state = 'zombie';
      child.thread.cpu = null;
      cpu?.terminate();
      for (const desc of child.fds.removeAll()) this.release(desc);
      this.log.info(`spawn of ${req.path} failed to start a CPU: ${String(error)}`);
      throw error instanceof SysError ? error : new SysError(Errno.EAGAIN, `no CPU for the new process: ${String(error)}`);
    }
    this.processes.set(pid, child);
    parent?.children.add(pid);
    this.log.info(`spawn pid ${pid} (${image.argv.join(' ').slice(0, 80)}) by ${parent?.pid ?? 'kernel'}`);
    return pid;
  }

  private checkProcessLimit(): void {
    if (this.processes.size >= MAX_PROCESSES) {
      throw new SysError(Errno.EAGAIN, `the machine already holds ${MAX_PROCESSES} processes (zombies included)`);
    }
  }

  /** The creator of init: root, in the root namespace, at '/'. Never in the process table. */
  private kernelProcess(): Process {
    return new Process(asPid(0), {
      ppid: asPid(0), pgid: 0, sid: 0, uid: 0, gid: 0, cwd: '/', env: {}, argv: ['kernel'], namespace: null,
      memoryMiB: 0, slot: createSlot(),
    });
  }

  private inheritFrom(parent: Process, child: Process, fdMap: [number, number][] | undefined): void {
    if (fdMap) {
      for (const [childFd, parentFd] of fdMap) {
        parent.fds.get(parentFd);
        if (childFd < 0 || childFd >= OPEN_MAX) throw new SysError(Errno.EBADF, `child fd ${childFd}`);
      }
      for (const [childFd, parentFd] of fdMap) {
        const desc = parent.fds.get(parentFd).description;
        desc.refs++;
        const old = child.fds.replace(childFd, desc, false);
        if (old) this.release(old);
      }
    } else {
      for (const [fd, entry] of parent.fds.list()) {
        if (entry.cloexec) continue;
        entry.description.refs++;
        child.fds.replace(fd, entry.description, false);
      }
    }
    for (let sig = 1; sig < parent.sigActions.length; sig++) {
      child.sigActions[sig] = parent.sigActions[sig] === SIG_HANDLE ? SIG_DFL : parent.sigActions[sig]!;
    }
    child.sigBlocked = parent.sigBlocked;
  }

  private cpuExited(proc: Process, why: CpuExit): void {
    if (!proc.alive) return;
    switch (why.kind) {
      case 'out-of-memory':
        this.log.info(`pid ${proc.pid} (${proc.name}) exceeded its ${proc.memoryMiB} MiB memory limit: killed`);
        this.terminate(proc, signaledStatus(SIGKILL));
        break;
      case 'crashed':
        this.log.info(`pid ${proc.pid} (${proc.name}) crashed: ${why.message}`);
        this.terminate(proc, signaledStatus(SIGSEGV));
        break;
      default:
        this.terminate(proc, exitedStatus(0));
    }
  }

  /** Ends a process: stops its CPU, closes its files, hands its children to init, wakes its parent. */
  terminate(proc: Process, status: number): void {
    if (!proc.alive) return;
    proc.state = 'zombie';
    proc.status = status;
    proc.thread.inFlight?.abort();
    proc.thread.cpu?.terminate();
    proc.thread.cpu = null;
    const shm = this.schemes.get('shm');
    if (shm instanceof ShmScheme) for (const buffer of proc.maps.values()) shm.unmap(buffer);
    proc.maps.clear();
    for (const desc of proc.fds.removeAll()) this.release(desc);
    this.log.info(`pid ${proc.pid} (${proc.name}) ended: ${describeStatus(status)}`);
    const init = this.processes.get(INIT_PID);
    for (const childPid of proc.children) {
      const child = this.processes.get(childPid);
      if (!child || !init || proc === init) continue;
      child.ppid = INIT_PID;
      init.children.add(childPid);
      if (!child.alive) init.childEvents.wakeAll();
    }
    proc.children.clear();
    if (proc.pid === INIT_PID) return this.panicInitExited(proc);
    const parent = this.processes.get(proc.ppid);
    if (parent?.alive) {
      parent.childEvents.wakeAll();
      this.signal(parent, SIGCHLD);
    } else {
      this.processes.delete(proc.pid);
    }
  }

  private panicInitExited(init: Process): void {
    const status = WIFEXITED(init.status) ? WEXITSTATUS(init.status) : 128 + WTERMSIG(init.status);
    this.log.info(`init exited (${describeStatus(init.status)}); powering off`);
    this.powerOff(status);
  }

  powerOff(status: number, reboot = false): void {
    if (this.halted) return;
    this.halted = true;
    for (const proc of this.processes.values()) {
      if (proc.alive && proc.pid !== INIT_PID) this.terminate(proc, signaledStatus(SIGKILL));
    }
    this.processes.get(INIT_PID)?.thread.cpu?.terminate();
    this.pool.shutdown();
    this.kick();
    if (reboot) this.machine.reboot();
    else this.machine.poweroff(status);
  }

  /** Removes a reaped zombie from the table. */
  reap(parent: Process, child: Process): void {
    parent.children.delete(child.pid);
    this.processes.delete(child.pid);
  }

  // ---- signals ----------------------------------------------------------------------------

  /** Raises `sig` in `proc`, applying its disposition (POSIX semantics, handlers run in libc). */
  signal(proc: Process, sig: number): void {
    if (!proc.alive || sig === 0) return;
    if (sig === SIGKILL) return this.terminate(proc, signaledStatus(SIGKILL));
    if (sig === SIGSTOP) return this.stop(proc, sig);
    if (sig === SIGCONT && proc.state === 'stopped') this.resume(proc);
    if (proc.sigActions[sig] === SIG_IGN) return;
    const bit = sigbit(sig);
    if (proc.sigBlocked & bit) proc.sigPending = (proc.sigPending | bit) >>> 0;
    else this.act(proc, sig);
  }

  /** Carries out an unblocked signal: its default action, or marking it for the handler. */
  act(proc: Process, sig: number): void {
    const action = proc.sigActions[sig];
    if (action === SIG_HANDLE) return this.deliver(proc, sigbit(sig));
    if (action !== SIG_DFL) return;
    const what = defaultAction(sig);
    if (what === 'terminate') this.terminate(proc, signaledStatus(sig));
    else if (what === 'stop') this.stop(proc, sig);
  }

  /** Marks signals for libc to handle and interrupts a blocking call (which returns EINTR). */
  deliver(proc: Process, bits: number): void {
    Atomics.or(proc.thread.slot.words, SLOT_SIGNALS, bits | 0);
    proc.thread.inFlight?.abort();
  }

  private stop(proc: Process, sig: number): void {
    if (proc.state !== 'running') return;
    proc.state = 'stopped';
    proc.status = stoppedStatus(sig);
    proc.stopReported = false;
    const parent = this.processes.get(proc.ppid);
    parent?.childEvents.wakeAll();
    this.log.info(`pid ${proc.pid} stopped by signal ${sig}`);
  }

  private resume(proc: Process): void {
    proc.state = 'running';
    proc.status = 0;
    proc.continued.wakeAll();
    this.kick();
  }

  /** Processes matching kill()'s pid argument, as seen by `sender`. */
  signalTargets(sender: Process, pid: number): Process[] {
    if (pid > 0) return [...this.processes.values()].filter((p) => p.pid === pid);
    const live = [...this.processes.values()].filter((p) => p.alive);
    if (pid === 0) return live.filter((p) => p.pgid === sender.pgid);
    if (pid === -1) return live.filter((p) => p.pid !== INIT_PID && p.pid !== sender.pid);
    return live.filter((p) => p.pgid === -pid);
  }
}

export function callerOf(proc: Process): Caller {
  return { pid: proc.pid, uid: proc.euid, gid: proc.egid };
}

export function describeStatus(status: number): string {
  if (WIFEXITED(status)) return `exit ${WEXITSTATUS(status)}`;
  if ((status & 0xff) === 0x7f) return `stopped by signal ${(status >> 8) & 0xff}`;
  return `killed by signal ${WTERMSIG(status)}`;
}
