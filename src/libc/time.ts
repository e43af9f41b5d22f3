/**
 * Time for TypeScript programs (and the WASI layer): clocks and sleeping.
 *
 * CLOCK_REALTIME and CLOCK_MONOTONIC are read without a syscall from the clock the process
 * runtime hands every program (`__redox.now`, the host's wall clock). The kernel's realtime clock
 * is that same host clock, and its monotonic clock is that clock counted from the kernel's start,
 * so one clock_gettime(CLOCK_MONOTONIC) at the first monotonic reading ties the two, to within
 * half that syscall's round trip; differences between two readings are exact. Where the runtime
 * gives no clock, each reading is a syscall.
 */
import { CLOCK_MONOTONIC, CLOCK_REALTIME } from '../syscall/flags.ts';
import { syscall } from './syscall.ts';

type HostNow = () => number;

/** The host clock the runtime gave this process, or null. */
export function hostClock(): HostNow | null {
  const now = (globalThis as { __redox?: { now?: HostNow } }).__redox?.now;
  return typeof now === 'function' ? now : null;
}

/** The kernel's monotonic reading at one host instant: the offset between the two clocks. */
let tie: { hostMs: number; monotonicMs: number } | null = null;

function monotonicTie(now: HostNow): { hostMs: number; monotonicMs: number } {
  if (!tie) {
    const before = now();
    const [sec, nsec] = syscall('clock_gettime', CLOCK_MONOTONIC);
    const after = now();
    tie = { hostMs: (before + after) / 2, monotonicMs: sec * 1000 + nsec / 1e6 };
  }
  return tie;
}

export function clockGettime(clock: number): { sec: number; nsec: number } {
  const now = hostClock();
  if (now && (clock === CLOCK_REALTIME || clock === CLOCK_MONOTONIC)) {
    let ms: number;
    if (clock === CLOCK_REALTIME) ms = now();
    else {
      const { hostMs, monotonicMs } = monotonicTie(now);
      ms = monotonicMs + (now() - hostMs);
    }
    const sec = Math.floor(ms / 1000);
    return { sec, nsec: Math.min(999_999_999, Math.round((ms - sec * 1000) * 1e6)) };
  }
  const [sec, nsec] = syscall('clock_gettime', clock);
  return { sec, nsec };
}

export function nowMs(clock = CLOCK_REALTIME): number {
  const t = clockGettime(clock);
  return t.sec * 1000 + t.nsec / 1e6;
}

export const monotonicMs = (): number => nowMs(CLOCK_MONOTONIC);

/** Sleeps for `ms` milliseconds; zero, negative or NaN durations return at once (no syscall). */
export function sleepMs(ms: number): void {
  if (!(ms > 0)) return;
  const sec = Math.floor(ms / 1000);
  syscall('nanosleep', sec, Math.min(999_999_999, Math.round((ms - sec * 1000) * 1e6)));
}
