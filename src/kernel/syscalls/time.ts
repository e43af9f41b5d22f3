/** Time and synchronisation syscalls: sleeping, clocks, futexes, yielding. */
import { Errno, SysError } from '../../syscall/errno.ts';
import { CLOCK_MONOTONIC, CLOCK_REALTIME, FUTEX_WAIT, FUTEX_WAKE } from '../../syscall/flags.ts';
import { Futexes } from '../futex.ts';
import { sleep } from '../wait_queue.ts';
import type { Handlers } from './index.ts';

const futexes = new Futexes();

export function clockNow(clock: number): [number, number] {
  let ns: bigint;
  if (clock === CLOCK_REALTIME) ns = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
  else if (clock === CLOCK_MONOTONIC) ns = BigInt(Math.round(performance.now() * 1e6));
  else throw new SysError(Errno.EINVAL, `clock ${clock}`);
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
}

export const timeHandlers: Handlers<'nanosleep' | 'clock_gettime' | 'futex' | 'sched_yield'> = {
  async nanosleep(ctx, seconds, nanoseconds) {
    if (!Number.isSafeInteger(seconds) || seconds < 0 || !Number.isInteger(nanoseconds) || nanoseconds < 0 || nanoseconds >= 1e9) {
      throw new SysError(Errno.EINVAL, 'bad timespec: seconds must be a whole number ≥ 0, nanoseconds a whole number below 1e9');
    }
    await sleep(seconds * 1000 + nanoseconds / 1e6, ctx.signal);
    return 0;
  },

  clock_gettime(_ctx, clock) {
    return clockNow(clock);
  },

  async futex(ctx, op, mapId, offset, value, timeoutMs) {
    const buffer = ctx.proc.maps.get(mapId);
    if (!buffer) throw new SysError(Errno.EFAULT, `no mapping ${mapId}`);
    if (op === FUTEX_WAIT) {
      await futexes.wait(buffer, offset, value, timeoutMs, ctx.signal);
      return 0;
    }
    if (op === FUTEX_WAKE) return futexes.wake(buffer, offset, Math.max(0, value));
    throw new SysError(Errno.EINVAL, `futex op ${op}`);
  },

  sched_yield() {
    return 0;
  },
};
