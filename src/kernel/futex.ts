/**
 * Futexes on shared-memory objects: a wait checks the 32-bit word still holds the expected value
 * and sleeps until a wake on the same (buffer, offset), a timeout, or a signal. Keyed by the
 * SharedArrayBuffer itself, so every process mapping one object shares the queues.
 */
import { Errno, SysError } from '../syscall/errno.ts';
import { startTimer, type Timer } from './wait_queue.ts';

interface Waiter {
  wake(): void;
}

export class Futexes {
  private readonly queues = new WeakMap<SharedArrayBuffer, Map<number, Set<Waiter>>>();

  wait(buffer: SharedArrayBuffer, offset: number, expected: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    const words = wordsOf(buffer, offset);
    if (Atomics.load(words, offset / 4) !== (expected | 0)) return Promise.reject(new SysError(Errno.EAGAIN));
    if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs)) return Promise.reject(new SysError(Errno.EINVAL, `futex timeout ${timeoutMs}`));
    if (signal.aborted) return Promise.reject(new SysError(Errno.EINTR));
    const queue = this.queue(buffer, offset);
    return new Promise<void>((resolve, reject) => {
      let timer: Timer | undefined;
      const cleanup = (): void => {
        queue.delete(waiter);
        // The last waiter on a word takes its queue (and a buffer's last, the buffer's map) with
        // it, so words waited on once do not keep empty sets for the life of the buffer.
        if (queue.size === 0) this.forget(buffer, offset, queue);
        signal.removeEventListener('abort', onAbort);
        timer?.cancel();
      };
      const waiter: Waiter = { wake: () => (cleanup(), resolve()) };
      const onAbort = (): void => (cleanup(), reject(new SysError(Errno.EINTR)));
      queue.add(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
      // A negative timeout (-1) waits without one; so does an infinite one (startTimer never fires it).
      if (timeoutMs >= 0) timer = startTimer(timeoutMs, () => (cleanup(), reject(new SysError(Errno.ETIMEDOUT))));
    });
  }

  wake(buffer: SharedArrayBuffer, offset: number, count: number): number {
    wordsOf(buffer, offset);
    const queue = this.queues.get(buffer)?.get(offset);
    let woken = 0;
    for (const waiter of [...(queue ?? [])]) {
      if (woken >= count) break;
      waiter.wake();
      woken++;
    }
    return woken;
  }

  private forget(buffer: SharedArrayBuffer, offset: number, queue: Set<Waiter>): void {
    const byOffset = this.queues.get(buffer);
    if (byOffset?.get(offset) !== queue) return;
    byOffset.delete(offset);
    if (byOffset.size === 0) this.queues.delete(buffer);
  }

  /** How many words of `buffer` have waiters (for tests: empty queues are not kept). */
  waitedWords(buffer: SharedArrayBuffer): number {
    return this.queues.get(buffer)?.size ?? 0;
  }

  private queue(buffer: SharedArrayBuffer, offset: number): Set<Waiter> {
    let byOffset = this.queues.get(buffer);
    if (!byOffset) this.queues.set(buffer, (byOffset = new Map()));
    let queue = byOffset.get(offset);
    if (!queue) byOffset.set(offset, (queue = new Set()));
    return queue;
  }
}

function wordsOf(buffer: SharedArrayBuffer, offset: number): Int32Array {
  if (!Number.isInteger(offset) || offset < 0 || offset % 4 !== 0 || offset + 4 > buffer.byteLength) {
    throw new SysError(Errno.EFAULT, `futex offset ${offset}`);
  }
  return new Int32Array(buffer);
}
