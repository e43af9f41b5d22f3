/**
 * WaitQueue: how kernel code blocks a syscall until something changes. A waiter is woken by the
 * next `wakeAll`; if the syscall is interrupted (a signal, the process dying) its AbortSignal
 * fires and the wait rejects with EINTR, so no state is consumed by an abandoned call.
 */
import { Errno, SysError } from '../syscall/errno.ts';

export class WaitQueue {
  private waiters = new Set<() => void>();

  wait(signal: AbortSignal, timeoutMs?: number): Promise<void> {
    if (signal.aborted) return Promise.reject(new SysError(Errno.EINTR));
    return new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = (): void => {
        this.waiters.delete(done);
        signal.removeEventListener('abort', onAbort);
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
      const onAbort = (): void => {
        this.waiters.delete(done);
        if (timer !== undefined) clearTimeout(timer);
        reject(new SysError(Errno.EINTR));
      };
      this.waiters.add(done);
      signal.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined && timeoutMs >= 0) timer = setTimeout(done, timeoutMs);
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
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new SysError(Errno.EINTR));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
