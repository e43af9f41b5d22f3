/**
 * Clocks for WASI without a syscall per reading. The process runtime hands us `now()`, the host's
 * high-resolution wall clock in milliseconds (a primitive-returning function, no host object); one
 * clock_gettime(CLOCK_MONOTONIC) at start-up ties it to the kernel's monotonic clock, so deadlines
 * we compute agree with /scheme/time/1. Without `now` (tests, other hosts) each reading is a
 * clock_gettime syscall.
 *
 * CPU-time clocks: the kernel does not account CPU time, so PROCESS/THREAD_CPUTIME report the
 * time since the process started (an upper bound of its CPU time: one thread per process).
 */
import { CLOCK_MONOTONIC as K_MONOTONIC, CLOCK_REALTIME as K_REALTIME } from '../../syscall/flags.ts';
import { syscall } from '../syscall.ts';
import { CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME, CLOCK_REALTIME, CLOCK_THREAD_CPUTIME, W, WasiError } from './abi.ts';

export type HostNow = () => number;

const nsOfMs = (ms: number): bigint => {
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
};

export class Clocks {
  private readonly monoBaseMs: number;
  private readonly hostBaseMs: number;
  private readonly startNs: bigint;

  constructor(private readonly now: HostNow | null) {
    const [sec, nsec] = syscall('clock_gettime', K_MONOTONIC);
    this.monoBaseMs = sec * 1000 + nsec / 1e6;
    this.hostBaseMs = now ? now() : 0;
    this.startNs = this.monotonicNs();
  }

  realtimeNs(): bigint {
    if (this.now) return nsOfMs(this.now());
    const [sec, nsec] = syscall('clock_gettime', K_REALTIME);
    return BigInt(sec) * 1_000_000_000n + BigInt(nsec);
  }

  monotonicNs(): bigint {
    if (this.now) return nsOfMs(this.monoBaseMs + (this.now() - this.hostBaseMs));
    const [sec, nsec] = syscall('clock_gettime', K_MONOTONIC);
    return BigInt(sec) * 1_000_000_000n + BigInt(nsec);
  }

  /** The current time on WASI clock `id`, in nanoseconds. */
  time(id: number): bigint {
    switch (id) {
      case CLOCK_REALTIME: return this.realtimeNs();
      case CLOCK_MONOTONIC: return this.monotonicNs();
      case CLOCK_PROCESS_CPUTIME:
      case CLOCK_THREAD_CPUTIME: return this.monotonicNs() - this.startNs;
      default: throw new WasiError(W.EINVAL, `clock ${id}`);
    }
  }

  /** Resolution in nanoseconds: the host clock's microsecond, or the kernel's nanosecond fields. */
  resolution(id: number): bigint {
    if (id < CLOCK_REALTIME || id > CLOCK_THREAD_CPUTIME) throw new WasiError(W.EINVAL, `clock ${id}`);
    return this.now ? 1000n : 1n;
  }

  /** The kernel clock a WASI clock's deadlines are armed on (/scheme/time/N). */
  static kernelClock(id: number): number {
    return id === CLOCK_REALTIME ? K_REALTIME : K_MONOTONIC;
  }
}
