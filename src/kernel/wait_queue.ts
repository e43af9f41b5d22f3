/**
 * WaitQueue: how kernel code blocks a syscall until something changes. A waiter is woken by the
 * next `wakeAll`; if the syscall is interrupted (a signal, the process dying) its AbortSignal
 * fires and the wait rejects with EINTR, so no state is consumed by an abandoned call.
 */
import { Errno, SysError } from '../syscall/errno.ts';

/**
 * Timers against the monotonic clock. Node clamps delays above 2^31-1 ms to 1 ms, so longer
 * timers are chained; and a setTimeout may fire a little early by performance.now() (libuv
 * rounds to whole, cached milliseconds), so a timer fires only once the deadline has truly
 * passed: anything waiting on it then sees the time it asked for.
 */
const MAX_DELAY = 0x7fff_ffff;

export interface Timer {
  cancel(): void;
}

export function startTimer(ms: number, fire: () => void): Timer {
  let handle: ReturnType<typeof setTimeout> | undefined;
  const deadline = performance.now() + Math.max(0, ms);
  const delay = (): number => Math.min(Math.max(0, Math.ceil(deadline - performance.now())), MAX_DELAY);
  const check = (): void => {
    if (performance.now() >= deadline) fire();
    else handle = setTimeout(check, Math.max(1, delay()));
  };
  // Never fires synchronously: callers set up their cancel paths after this returns.
  handle = setTimeout(check, delay());
  return { cancel: () => clearTimeout(handle) };
}

export class WaitQueue {
  private waiters = new Set<() => void>();

  wait(signal: AbortSignal, timeoutMs?: number): Promise<void> {
    if (signal.aborted) return Promise.reject(new SysError(Errno.EINTR));
    return new Promise<void>((resolve, reject) => {
      let timer: Timer | undefined;
      const done = (): void => {
        this.waiters.delete(done);
        signal.removeEventListener('abort', onAbort);
        timer?.cancel();
        resolve();
      };
      const onAbort = (): void => {
        this.waiters.delete(done);
        timer?.cancel();
        reject(new SysError(Errno.EINTR));
      };
      this.waiters.add(done);
      signal.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined && timeoutMs >= 0) timer = startTimer(timeoutMs, done);
    });
  }

  wakeAll(): void {
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiting) wake();
  }

  wakeOne(): boolean {
    const first = this.waiters.values().next();
    if (first.done) return false;
    first.value();
    return true;
  }

  get size(): number {
    return this.waiters.size;
  }
}

/** Sleeps for `ms` unless the signal aborts first (then rejects with EINTR). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new SysError(Errno.EINTR));
  return new Promise<void>((resolve, reject) => {
    const timer = startTimer(ms, () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    const onAbort = (): void => {
      timer.cancel();
      reject(new SysError(Errno.EINTR));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
