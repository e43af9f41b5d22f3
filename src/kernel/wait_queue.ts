/**
 * WaitQueue: how kernel code blocks a syscall until something changes. A waiter is woken by the
 * next `wakeAll`; if the syscall is interrupted (a signal, the process dying) its AbortSignal
 * fires and the wait rejects with EINTR, so no state is consumed by an abandoned call.
 *
 * No registration outlives the call that made it: `wait` registers for exactly as long as the
 * promise it returns is pending (await it at once), and `until` (check, then wait, then check
 * again) drops its registration on every return path, including a check that throws.
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

const NEVER: Timer = { cancel: () => undefined };

/**
 * Calls `fire` once `ms` milliseconds have passed (a negative delay is 0). A delay that is not a
 * finite number (NaN, Infinity) never fires and arms no host timer: callers reject NaN first.
 */
export function startTimer(ms: number, fire: () => void): Timer {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return NEVER;
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

/** One registration on a queue: settles on a wake, the timeout or an abort; `cancel` drops it. */
interface Ticket {
  readonly promise: Promise<void>;
  cancel(): void;
}

export class WaitQueue {
  private readonly waiters = new Set<() => void>();

  /**
   * Blocks until the next `wakeAll`/`wakeOne`, the timeout (resolves) or an abort (EINTR). The
   * registration lasts only while the returned promise is pending.
   */
  wait(signal: AbortSignal, timeoutMs?: number): Promise<void> {
    return this.register(signal, timeoutMs).promise;
  }

  /**
   * Runs `check` until it gives something other than `undefined`, and returns that; between
   * tries, waits for a wake (EINTR on an abort). Each try registers before it checks, so a wake
   * during an asynchronous check is not missed; the registration is dropped before `until`
   * returns or throws (a check that throws, an abort), so a call that finds what it wants at
   * once leaves nothing behind.
   */
  async until<T>(signal: AbortSignal, check: () => T | undefined | Promise<T | undefined>): Promise<T> {
    for (;;) {
      const ticket = this.register(signal);
      try {
        const result = await check();
        if (result !== undefined) return result;
        await ticket.promise;
      } finally {
        ticket.cancel();
      }
    }
  }

  private register(signal: AbortSignal, timeoutMs?: number): Ticket {
    if (signal.aborted) {
      const promise = Promise.reject(new SysError(Errno.EINTR));
      promise.catch(() => undefined);
      return { promise, cancel: () => undefined };
    }
    let cancel!: () => void;
    const promise = new Promise<void>((resolve, reject) => {
      let timer: Timer | undefined;
      const drop = (): void => {
        this.waiters.delete(done);
        signal.removeEventListener('abort', onAbort);
        timer?.cancel();
      };
      const done = (): void => {
        drop();
        resolve();
      };
      const onAbort = (): void => {
        drop();
        reject(new SysError(Errno.EINTR));
      };
      cancel = drop;
      this.waiters.add(done);
      signal.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined && timeoutMs >= 0) timer = startTimer(timeoutMs, done);
    });
    // A ticket cancelled before anyone awaited it may still have rejected: never unhandled.
    promise.catch(() => undefined);
    return { promise, cancel };
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

/**
 * Sleeps for `ms` unless the signal aborts first (then rejects with EINTR). `ms` must be a number
 * ≥ 0 (`EINVAL` otherwise, NaN included); `Infinity` sleeps until the signal.
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (typeof ms !== 'number' || !(ms >= 0)) return Promise.reject(new SysError(Errno.EINVAL, `sleep of ${ms} ms`));
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
