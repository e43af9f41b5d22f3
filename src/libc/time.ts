/** Time for TypeScript programs: clocks and sleeping. */
import { CLOCK_MONOTONIC, CLOCK_REALTIME } from '../syscall/flags.ts';
import { syscall } from './syscall.ts';

export function clockGettime(clock: number): { sec: number; nsec: number } {
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
