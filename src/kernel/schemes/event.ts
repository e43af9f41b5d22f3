/**
 * The `event` scheme: Redox's event queue (its epoll). Opening `/scheme/event` makes a queue.
 * Writing 16-byte records `{i32 fd, u32 interest (EVENT_READ|EVENT_WRITE, 0 removes), f64 data}`
 * registers fds of the writing process; reading returns records `{i32 fd, u32 ready, f64 data}`
 * for registered fds that are ready, blocking until at least one is (level-triggered).
 */
import { Errno, SysError } from '../../syscall/errno.ts';
import { O_NONBLOCK, S_IFCHR } from '../../syscall/flags.ts';
import { makeStat, type Stat } from '../../syscall/stat.ts';
import type { Kernel } from '../kernel.ts';
import type { FileDescription } from '../process.ts';
import { HandleTable, SchemeBase, type Call } from '../scheme.ts';

export const EVENT_RECORD_BYTES = 16;

interface Registration {
  fd: number;
  desc: FileDescription;
  interest: number;
  data: number;
}

interface Queue {
  registrations: Map<number, Registration>;
}

export class EventScheme extends SchemeBase {
  readonly name = 'event';
  private readonly queues = new HandleTable<Queue>();

  constructor(private readonly kernel: Kernel) {
    super();
  }

  open(path: string): number {
    if (path !== '') throw new SysError(Errno.ENOENT, `/scheme/event/${path}`);
    return this.queues.add({ registrations: new Map() });
  }

  close(id: number): void {
    this.queues.remove(id);
  }

  fstat(id: number): Stat {
    this.queues.get(id);
    return makeStat({ mode: S_IFCHR | 0o666, nlink: 1 });
  }

  fpath(id: number): string {
    this.queues.get(id);
    return '/scheme/event';
  }

  write(id: number, data: Uint8Array, call: Call): number {
    const queue = this.queues.get(id);
    if (data.length % EVENT_RECORD_BYTES !== 0) throw new SysError(Errno.EINVAL, 'event records are 16 bytes');
    const proc = this.kernel.processes.get(call.caller.pid as never);
    if (!proc) throw new SysError(Errno.ESRCH);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let at = 0; at < data.length; at += EVENT_RECORD_BYTES) {
      const fd = view.getInt32(at, true);
      const interest = view.getUint32(at + 4, true);
      const userData = view.getFloat64(at + 8, true);
      if (interest === 0) {
        queue.registrations.delete(fd);
        continue;
      }
      const desc = proc.fds.get(fd).description;
      queue.registrations.set(fd, { fd, desc, interest, data: userData });
    }
    return data.length;
  }

  async read(id: number, count: number, call: Call): Promise<Uint8Array> {
    const queue = this.queues.get(id);
    const max = Math.floor(count / EVENT_RECORD_BYTES);
    if (max === 0) throw new SysError(Errno.EINVAL, 'buffer smaller than one event record');
    // `until` registers before each poll (a change during an asynchronous poll is not missed)
    // and drops the registration however the read ends, so a read that finds something ready
    // at once, or fails, leaves no waiter behind.
    return this.kernel.readiness.until(call.signal, async () => {
      const ready = await this.pollAll(queue, call);
      if (ready.length > 0) return encodeEvents(ready.slice(0, max));
      if (call.flags & O_NONBLOCK) throw new SysError(Errno.EAGAIN);
      if (queue.registrations.size === 0) throw new SysError(Errno.EINVAL, 'event queue has nothing registered');
      return undefined;
    });
  }

  private async pollAll(queue: Queue, call: Call): Promise<{ fd: number; ready: number; data: number }[]> {
    const ready: { fd: number; ready: number; data: number }[] = [];
    for (const reg of [...queue.registrations.values()]) {
      if (reg.desc.refs <= 0) {
        queue.registrations.delete(reg.fd);
        continue;
      }
      const bits = await reg.desc.scheme.poll(reg.desc.id, reg.interest, { ...call, flags: reg.desc.flags });
      if (bits & reg.interest) ready.push({ fd: reg.fd, ready: bits & reg.interest, data: reg.data });
    }
    return ready;
  }
}

function encodeEvents(events: { fd: number; ready: number; data: number }[]): Uint8Array {
  const out = new Uint8Array(events.length * EVENT_RECORD_BYTES);
  const view = new DataView(out.buffer);
  events.forEach((e, i) => {
    view.setInt32(i * EVENT_RECORD_BYTES, e.fd, true);
    view.setUint32(i * EVENT_RECORD_BYTES + 4, e.ready, true);
    view.setFloat64(i * EVENT_RECORD_BYTES + 8, e.data, true);
  });
  return out;
}
