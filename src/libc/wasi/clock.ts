/**
 * Clocks for WASI, on libc's clocks (src/libc/time.ts): realtime and monotonic are read without
 * a syscall from the host clock the process runtime gives every program, tied to the kernel's
 * monotonic clock, so deadlines we compute agree with /scheme/time/1.
 *
 * CPU-time clocks: the kernel does not account CPU time, so PROCESS/THREAD_CPUTIME report the
 * time since the process started (an upper bound of its CPU time: one thread per process).
 */
import { CLOCK_MONOTONIC as K_MONOTONIC, CLOCK_REALTIME as K_REALTIME } from '../../syscall/flags.ts';
import { clockGettime, hostClock } from '../time.ts';
import { CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME, CLOCK_REALTIME, CLOCK_THREAD_CPUTIME, W, WasiError } from './abi.ts';

const nsOf = (clock: number): bigint => {
  const { sec, nsec } = clockGettime(clock);
  return BigInt(sec) * 1_000_000_000n + BigInt(nsec);
};

export class Clocks {
  private readonly startNs = this.monotonicNs();

  realtimeNs(): bigint {
    return nsOf(K_REALTIME);
  }

  monotonicNs(): bigint {
    return nsOf(K_MONOTONIC);
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
    return hostClock() ? 1000n : 1n;
  }

  /** The kernel clock a WASI clock's deadlines are armed on (/scheme/time/N). */
  static kernelClock(id: number): number {
    return id === CLOCK_REALTIME ? K_REALTIME : K_MONOTONIC;
  }
}
