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
    if (signal.aborted) return Promise.reject(new SysError(Errno.EINTR));
    const queue = this.queue(buffer, offset);
    return new Promise<void>((resolve, reject) => {
      let timer: Timer | undefined;
      const cleanup = (): void => {
        queue.delete(waiter);
        signal.removeEventListener('abort', onAbort);
        timer?.cancel();
      };
      const waiter: Waiter = { wake: () => (cleanup(), resolve()) };
      const onAbort = (): void => (cleanup(), reject(new SysError(Errno.EINTR)));
      queue.add(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
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
