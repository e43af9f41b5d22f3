import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Futexes } from '../../src/kernel/futex.ts';
import { WaitQueue, sleep, startTimer } from '../../src/kernel/wait_queue.ts';
import { SysError } from '../../src/syscall/errno.ts';

const code = (error: unknown): string => (error instanceof SysError ? error.code : String(error));

test('WaitQueue.until: a check that succeeds at once leaves no waiter and no abort listener', async () => {
  const queue = new WaitQueue();
  const controller = new AbortController();
  let listeners = 0;
  const signal = controller.signal;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((...args: Parameters<typeof add>) => (listeners++, add(...args))) as typeof add;
  signal.removeEventListener = ((...args: Parameters<typeof remove>) => (listeners--, remove(...args))) as typeof remove;
  for (let i = 0; i < 1000; i++) assert.equal(await queue.until(signal, () => i), i);
  assert.equal(queue.size, 0);
  assert.equal(listeners, 0);
});

test('WaitQueue.until: a check that throws, or an abort, leaves no waiter', async () => {
  const queue = new WaitQueue();
  const controller = new AbortController();
  await assert.rejects(queue.until(controller.signal, async () => {
    throw new Error('boom');
  }), /boom/);
  assert.equal(queue.size, 0);
  const waiting = queue.until(controller.signal, () => undefined);
  await new Promise((r) => setImmediate(r));
  assert.equal(queue.size, 1);
  controller.abort();
  await assert.rejects(waiting, (e) => code(e) === 'EINTR');
  assert.equal(queue.size, 0);
  // An already-aborted signal: a ready check still answers; otherwise EINTR, no unhandled rejection.
  assert.equal(await queue.until(controller.signal, () => 'ready'), 'ready');
  await assert.rejects(queue.until(controller.signal, () => undefined), (e) => code(e) === 'EINTR');
  assert.equal(queue.size, 0);
});

test('WaitQueue.until: a wake during an asynchronous check is not missed', async () => {
  const queue = new WaitQueue();
  let tries = 0;
  const result = await queue.until(new AbortController().signal, async () => {
    tries++;
    if (tries === 1) {
      queue.wakeAll(); // the change happens while the first check is in flight
      return undefined;
    }
    return 'seen';
  });
  assert.equal(result, 'seen');
  assert.equal(tries, 2);
  assert.equal(queue.size, 0);
});

test('WaitQueue.wait: registered only while pending; timeout and wake both drop it', async () => {
  const queue = new WaitQueue();
  const signal = new AbortController().signal;
  const woken = queue.wait(signal);
  assert.equal(queue.size, 1);
  queue.wakeAll();
  await woken;
  assert.equal(queue.size, 0);
  await queue.wait(signal, 5);
  assert.equal(queue.size, 0);
});

test('startTimer and sleep: NaN is refused, infinity never fires, negatives fire at once', async () => {
  await assert.rejects(sleep(NaN, new AbortController().signal), (e) => code(e) === 'EINVAL');
  await assert.rejects(sleep(-1, new AbortController().signal), (e) => code(e) === 'EINVAL');
  let fired = 0;
  const never = startTimer(NaN, () => fired++);
  const forever = startTimer(Infinity, () => fired++);
  await new Promise<void>((r) => startTimer(-5, r));
  await sleep(5, new AbortController().signal);
  assert.equal(fired, 0);
  never.cancel();
  forever.cancel();
  const controller = new AbortController();
  const endless = sleep(Infinity, controller.signal);
  controller.abort();
  await assert.rejects(endless, (e) => code(e) === 'EINTR');
});

test('futex: queues of words no longer waited on are dropped; a NaN timeout is EINVAL', async () => {
  const futexes = new Futexes();
  const buffer = new SharedArrayBuffer(64);
  const signal = new AbortController().signal;
  for (let offset = 0; offset < 64; offset += 4) await assert.rejects(futexes.wait(buffer, offset, 0, 0, signal), (e) => code(e) === 'ETIMEDOUT');
  assert.equal(futexes.waitedWords(buffer), 0);
  const waiter = futexes.wait(buffer, 8, 0, -1, signal);
  assert.equal(futexes.waitedWords(buffer), 1);
  assert.equal(futexes.wake(buffer, 8, 1), 1);
  await waiter;
  assert.equal(futexes.waitedWords(buffer), 0);
  const controller = new AbortController();
  const interrupted = futexes.wait(buffer, 4, 0, -1, controller.signal);
  controller.abort();
  await assert.rejects(interrupted, (e) => code(e) === 'EINTR');
  assert.equal(futexes.waitedWords(buffer), 0);
  await assert.rejects(futexes.wait(buffer, 0, 0, NaN, signal), (e) => code(e) === 'EINVAL');
  assert.equal(futexes.waitedWords(buffer), 0);
});
