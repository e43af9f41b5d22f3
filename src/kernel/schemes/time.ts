/**
 * The `time` scheme, as in Redox: `/scheme/time/N` for clock N (0 realtime, 1 monotonic; the
 * names `realtime` and `monotonic` also work). Reading gives the clock's time as a 16-byte
 * timespec `{f64 seconds, f64 nanoseconds}`; writing one arms a deadline on that clock, and the
 * handle becomes readable for the event scheme once the clock passes it, which is how timers
 * are built on an event loop.
 */
import { Errno, SysError } from '../../syscall/errno.ts';
import { CLOCK_MONOTONIC, CLOCK_REALTIME, EVENT_READ, EVENT_WRITE, S_IFCHR } from '../../syscall/flags.ts';
import { makeStat, type Stat } from '../../syscall/stat.ts';
import type { Kernel } from '../kernel.ts';
import { HandleTable, SchemeBase } from '../scheme.ts';
import { clockNow } from '../syscalls/time.ts';
import { startTimer, type Timer } from '../wait_queue.ts';

export const TIMESPEC_BYTES = 16;

interface ClockHandle {
  clock: number;
  deadlineMs: number | null;
  timer: Timer | null;
}

const CLOCKS: Record<string, number> = { '': CLOCK_REALTIME, '0': CLOCK_REALTIME, realtime: CLOCK_REALTIME, '1': CLOCK_MONOTONIC, monotonic: CLOCK_MONOTONIC };

function nowMs(clock: number): number {
  const [sec, nsec] = clockNow(clock);
  return sec * 1000 + nsec / 1e6;
}

export class TimeScheme extends SchemeBase {
  readonly name = 'time';
  private readonly timers = new HandleTable<ClockHandle>();

  constructor(private readonly kernel: Kernel) {
    super();
  }

  open(path: string): number {
    const clock = CLOCKS[path];
    if (clock === undefined) throw new SysError(Errno.ENOENT, `no clock ${path}`);
    return this.timers.add({ clock, deadlineMs: null, timer: null });
  }

  close(id: number): void {
    const t = this.timers.remove(id);
    t?.timer?.cancel();
  }

  read(id: number, count: number): Uint8Array {
    const t = this.timers.get(id);
    if (count < TIMESPEC_BYTES) throw new SysError(Errno.EINVAL, 'read a 16-byte timespec');
    const [sec, nsec] = clockNow(t.clock);
    const out = new DataView(new ArrayBuffer(TIMESPEC_BYTES));
    out.setFloat64(0, sec, true);
    out.setFloat64(8, nsec, true);
    return new Uint8Array(out.buffer);
  }

  write(id: number, data: Uint8Array): number {
    const t = this.timers.get(id);
    if (data.length !== TIMESPEC_BYTES) throw new SysError(Errno.EINVAL, 'write a 16-byte timespec');
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const seconds = view.getFloat64(0, true);
    const nanoseconds = view.getFloat64(8, true);
    // A deadline the host timer could never reach (NaN, infinite, negative) is refused rather
    // than armed: such a timer would never fire, or never stop re-checking.
    if (!Number.isSafeInteger(seconds) || seconds < 0) throw new SysError(Errno.EINVAL, `timer seconds ${seconds}`);
    if (!Number.isInteger(nanoseconds) || nanoseconds < 0 || nanoseconds > 999_999_999) {
      throw new SysError(Errno.EINVAL, `timer nanoseconds ${nanoseconds}`);
    }
    const deadline = seconds * 1000 + nanoseconds / 1e6;
    t.timer?.cancel();
    t.deadlineMs = deadline;
    t.timer = startTimer(Math.max(0, deadline - nowMs(t.clock)) + 1, () => this.kernel.readiness.wakeAll());
    return data.length;
  }

  poll(id: number, interest: number): number {
    const t = this.timers.get(id);
    const due = t.deadlineMs !== null && nowMs(t.clock) >= t.deadlineMs;
    return ((due ? EVENT_READ : 0) | EVENT_WRITE) & interest;
  }

  fstat(): Stat {
    return makeStat({ mode: S_IFCHR | 0o666, nlink: 1 });
  }

  fpath(id: number): string {
    return `/scheme/time/${this.timers.get(id).clock}`;
  }
}
