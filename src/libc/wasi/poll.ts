/**
 * poll_oneoff over our event scheme. Fd subscriptions become registrations on an event queue
 * (/scheme/event); the earliest clock subscription arms a timer (/scheme/time/N) registered on
 * the same queue; one blocking read of the queue waits for whichever comes first, then every
 * registration is removed again. Subscriptions that are already decided (an expired clock, a bad
 * fd) make the call non-blocking: fds are then only sampled with fevent. Clock-only polls (what
 * sleep() and nanosleep() become) are a single nanosleep.
 */
import { EVENT_READ, EVENT_WRITE, SEEK_CUR, S_IFIFO, S_IFMT, S_IFREG } from '../../syscall/flags.ts';
import { syscall } from '../syscall.ts';
import {
  CLOCK_MONOTONIC, CLOCK_REALTIME, EVENT_BYTES, EVENTTYPE_CLOCK, EVENTTYPE_FD_READ, EVENTTYPE_FD_WRITE, SUBCLOCKFLAGS_ABSTIME,
  SUBSCRIPTION_BYTES, W, WasiError,
} from './abi.ts';
import { Clocks } from './clock.ts';
import type { WasiContext } from './context.ts';
import { wasiErrnoOf } from './errno.ts';
import { kernelFstat } from './fd_table.ts';

const RECORD = 16;
const TIMER_DATA = -1;
const MAX_SLEEP_NS = 86_400n * 1_000_000_000n;
const CLOCK_SLACK_NS = 2_000_000n;

interface ClockSub { userdata: bigint; kernelClock: number; deadlineNs: bigint }
interface FdSub { userdata: bigint; type: number; kfd: number }
interface Event { userdata: bigint; error: number; type: number; nbytes: bigint }

const nowOn = (ctx: WasiContext, kernelClock: number): bigint => (kernelClock === 0 ? ctx.clocks.realtimeNs() : ctx.clocks.monotonicNs());

export function pollOneoff(ctx: WasiContext, inPtr: number, outPtr: number, count: number): number {
  if (count === 0) throw new WasiError(W.EINVAL, 'no subscriptions');
  const m = ctx.memory;
  const clocks: ClockSub[] = [];
  const fds: FdSub[] = [];
  const events: Event[] = [];
  for (let i = 0; i < count; i++) {
    const at = inPtr + i * SUBSCRIPTION_BYTES;
    const userdata = m.u64(at);
    const type = m.u8at(at + 8);
    if (type === EVENTTYPE_CLOCK) {
      const id = m.u32(at + 16);
      const timeout = m.u64(at + 24);
      const absolute = (m.u16(at + 40) & SUBCLOCKFLAGS_ABSTIME) !== 0;
      try {
        clocks.push(clockSub(ctx, userdata, id, timeout, absolute));
      } catch (error) {
        events.push({ userdata, error: wasiErrnoOf(error), type, nbytes: 0n });
      }
    } else if (type === EVENTTYPE_FD_READ || type === EVENTTYPE_FD_WRITE) {
      const fd = m.u32(at + 16);
      try {
        fds.push({ userdata, type, kfd: ctx.table.get(fd).kfd });
      } catch (error) {
        events.push({ userdata, error: wasiErrnoOf(error), type, nbytes: 0n });
      }
    } else {
      throw new WasiError(W.EINVAL, `subscription type ${type}`);
    }
  }
  expired(ctx, clocks, events);
  if (events.length > 0) sample(fds, events);
  else if (fds.length === 0) sleepUntilFirst(ctx, clocks, events);
  else while (events.length === 0) wait(ctx, clocks, fds, events);
  events.forEach((e, i) => writeEvent(ctx, outPtr + i * EVENT_BYTES, e));
  return events.length;
}

/** A clock subscription as an absolute deadline on the kernel clock its timer will use. */
function clockSub(ctx: WasiContext, userdata: bigint, id: number, timeout: bigint, absolute: boolean): ClockSub {
  if (id === CLOCK_REALTIME || id === CLOCK_MONOTONIC) {
    const kernelClock = Clocks.kernelClock(id);
    return { userdata, kernelClock, deadlineNs: absolute ? timeout : nowOn(ctx, kernelClock) + timeout };
  }
  // CPU-time clocks advance with the monotonic clock here (see clock.ts).
  const relative = absolute ? timeout - ctx.clocks.time(id) : timeout;
  return { userdata, kernelClock: 1, deadlineNs: ctx.clocks.monotonicNs() + relative };
}

/** Moves every clock whose deadline has passed into `events`. */
function expired(ctx: WasiContext, clocks: ClockSub[], events: Event[]): void {
  for (let i = clocks.length - 1; i >= 0; i--) {
    const c = clocks[i]!;
    if (c.deadlineNs <= nowOn(ctx, c.kernelClock)) {
      events.push({ userdata: c.userdata, error: 0, type: EVENTTYPE_CLOCK, nbytes: 0n });
      clocks.splice(i, 1);
    }
  }
}

/** Sleeps until the earliest deadline has passed on our clock (a host timer may fire a little early). */
function sleepUntilFirst(ctx: WasiContext, clocks: ClockSub[], events: Event[]): void {
  const first = earliest(ctx, clocks);
  for (let left = remaining(ctx, first); left > 0n; left = remaining(ctx, first)) {
    const step = left < MAX_SLEEP_NS ? left : MAX_SLEEP_NS; // host timers cap near 24.8 days
    syscall('nanosleep', Number(step / 1_000_000_000n), Number(step % 1_000_000_000n));
  }
  expired(ctx, clocks, events);
}

const remaining = (ctx: WasiContext, c: ClockSub): bigint => c.deadlineNs - nowOn(ctx, c.kernelClock);

/** Non-blocking: reports the fds that are ready now. */
function sample(fds: FdSub[], events: Event[]): void {
  for (const sub of fds) {
    try {
      const ready = syscall('fevent', sub.kfd, interestOf(sub.type));
      if (ready & interestOf(sub.type)) events.push(fdEvent(sub));
    } catch (error) {
      events.push({ userdata: sub.userdata, error: wasiErrnoOf(error), type: sub.type, nbytes: 0n });
    }
  }
}

/** Blocks on the event queue until an fd is ready or the earliest clock passes. */
function wait(ctx: WasiContext, clocks: ClockSub[], fds: FdSub[], events: Event[]): void {
  const queue = ctx.eventQueue();
  const interest = new Map<number, number>();
  for (const sub of fds) interest.set(sub.kfd, (interest.get(sub.kfd) ?? 0) | interestOf(sub.type));
  const registrations: [number, number, number][] = [...interest].map(([kfd, bits]) => [kfd, bits, kfd]);
  if (clocks.length > 0) {
    const first = earliest(ctx, clocks);
    const timer = ctx.timer(first.kernelClock);
    syscall('write', timer, timespec(first.deadlineNs));
    registrations.push([timer, EVENT_READ, TIMER_DATA]);
  }
  syscall('write', queue, records(registrations));
  let ready: Uint8Array;
  try {
    ready = syscall('read', queue, RECORD * registrations.length);
  } finally {
    syscall('write', queue, records(registrations.map(([kfd]) => [kfd, 0, 0])));
  }
  const view = new DataView(ready.buffer, ready.byteOffset, ready.byteLength);
  let timerFired = false;
  for (let at = 0; at + RECORD <= ready.length; at += RECORD) {
    const bits = view.getUint32(at + 4, true);
    const data = view.getFloat64(at + 8, true);
    if (data === TIMER_DATA) timerFired = true;
    else for (const sub of fds) if (sub.kfd === data && bits & interestOf(sub.type)) events.push(fdEvent(sub));
  }
  const before = events.length;
  expired(ctx, clocks, events);
  if (timerFired && events.length === before && clocks.length > 0) {
    // The kernel's timer and our clock may disagree by a hair: if the armed deadline is that
    // close, it has passed; otherwise (a host timer cut short) the caller waits again.
    const first = earliest(ctx, clocks);
    if (remaining(ctx, first) <= CLOCK_SLACK_NS) events.push({ userdata: first.userdata, error: 0, type: EVENTTYPE_CLOCK, nbytes: 0n });
  }
}

function earliest(ctx: WasiContext, clocks: ClockSub[]): ClockSub {
  return clocks.reduce((a, b) => (a.kernelClock === b.kernelClock ? (b.deadlineNs < a.deadlineNs ? b : a) : remaining(ctx, b) < remaining(ctx, a) ? b : a));
}

const interestOf = (type: number): number => (type === EVENTTYPE_FD_READ ? EVENT_READ : EVENT_WRITE);

function fdEvent(sub: FdSub): Event {
  let nbytes = 0n;
  if (sub.type === EVENTTYPE_FD_READ) {
    try {
      const st = kernelFstat(sub.kfd);
      if ((st.mode & S_IFMT) === S_IFIFO) nbytes = BigInt(st.size);
      else if ((st.mode & S_IFMT) === S_IFREG) nbytes = BigInt(Math.max(0, st.size - syscall('lseek', sub.kfd, 0, SEEK_CUR)));
    } catch {
      nbytes = 0n;
    }
  }
  return { userdata: sub.userdata, error: 0, type: sub.type, nbytes };
}

function timespec(ns: bigint): Uint8Array {
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, Number(ns / 1_000_000_000n), true);
  view.setFloat64(8, Number(ns % 1_000_000_000n), true);
  return new Uint8Array(view.buffer);
}

function records(list: [number, number, number][]): Uint8Array {
  const view = new DataView(new ArrayBuffer(list.length * RECORD));
  list.forEach(([fd, bits, data], i) => {
    view.setInt32(i * RECORD, fd, true);
    view.setUint32(i * RECORD + 4, bits, true);
    view.setFloat64(i * RECORD + 8, data, true);
  });
  return new Uint8Array(view.buffer);
}

function writeEvent(ctx: WasiContext, at: number, e: Event): void {
  const m = ctx.memory;
  m.write(at, new Uint8Array(EVENT_BYTES));
  m.setU64(at, e.userdata);
  m.setU16(at + 8, e.error);
  m.setU8(at + 10, e.type);
  m.setU64(at + 16, e.nbytes);
}
