/**
 * The state one WASI process carries: its linear memory, descriptor table, clocks, argv and
 * environment, and the lazily opened kernel fds the runtime itself uses (/scheme/rand, the event
 * queue and timers of poll_oneoff). Both import modules (wasi_snapshot_preview1 and our
 * redox_posix) work on one WasiContext.
 */
import { O_CLOEXEC, O_RDONLY, O_RDWR } from '../../syscall/flags.ts';
import { syscall } from '../syscall.ts';
import { W, WasiError, FILETYPE_DIRECTORY } from './abi.ts';
import { Clocks } from './clock.ts';
import { FdTable, type FdEntry } from './fd_table.ts';
import { WasmMemory } from './memory.ts';
import { resolveUnder } from './paths.ts';

export interface WasiOptions {
  argv: string[];
  env: Record<string, string>;
}

export class WasiContext {
  readonly memory = new WasmMemory();
  readonly table: FdTable;
  readonly clocks: Clocks;
  readonly argv: string[];
  readonly env: string[];
  private randFd = -1;
  private eventFd = -1;
  private readonly timerFds = new Map<number, number>();

  constructor(options: WasiOptions) {
    this.argv = options.argv;
    this.env = Object.entries(options.env).map(([k, v]) => `${k}=${v}`);
    this.table = FdTable.boot();
    this.clocks = new Clocks();
  }

  /** The directory entry `fd` and the absolute path `relative` names under it. */
  resolve(fd: number, needed: bigint, ptr: number, len: number): { entry: FdEntry; path: string } {
    const entry = this.table.check(fd, needed);
    if (this.table.describe(entry).filetype !== FILETYPE_DIRECTORY) throw new WasiError(W.ENOTDIR, `fd ${fd}`);
    entry.path ??= syscall('fpath', entry.kfd);
    return { entry, path: resolveUnder(entry.path, this.memory.path(ptr, len)) };
  }

  /** Reads `count` random bytes from /scheme/rand (kept open). */
  random(count: number): Uint8Array {
    if (this.randFd < 0) this.randFd = this.table.reserve(syscall('open', '/scheme/rand', O_RDONLY | O_CLOEXEC));
    const out = new Uint8Array(count);
    for (let at = 0; at < count; ) {
      const chunk = syscall('read', this.randFd, Math.min(count - at, 65536));
      if (chunk.length === 0) throw new WasiError(W.EIO, '/scheme/rand returned nothing');
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }

  /** The event queue poll_oneoff uses (kept open). */
  eventQueue(): number {
    if (this.eventFd < 0) this.eventFd = this.table.reserve(syscall('open', '/scheme/event', O_RDWR | O_CLOEXEC));
    return this.eventFd;
  }

  /** A timer on kernel clock `clock` (/scheme/time/N, kept open). */
  timer(clock: number): number {
    let fd = this.timerFds.get(clock);
    if (fd === undefined) {
      fd = this.table.reserve(syscall('open', `/scheme/time/${clock}`, O_RDWR | O_CLOEXEC));
      this.timerFds.set(clock, fd);
    }
    return fd;
  }
}
