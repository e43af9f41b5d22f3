/**
 * The `pipe` scheme: anonymous pipes made by the pipe syscall. A pipe is a bounded byte queue with
 * reader and writer counts. Reads block until data or until no writer is left (then 0, end of
 * file); writes block while full and fail with EPIPE once no reader is left. Writes of up to
 * PIPE_BUF bytes are atomic; longer writes may return short and libc continues them.
 */
import { Errno, SysError } from '../../syscall/errno.ts';
import { EVENT_READ, EVENT_WRITE, O_NONBLOCK, O_RDONLY, O_WRONLY, S_IFIFO } from '../../syscall/flags.ts';
import { makeStat, type Stat } from '../../syscall/stat.ts';
import type { Kernel } from '../kernel.ts';
import { FileDescription } from '../process.ts';
import { HandleTable, SchemeBase, type Call } from '../scheme.ts';
import { ByteQueue } from '../byte_queue.ts';
import { WaitQueue } from '../wait_queue.ts';

export const PIPE_CAPACITY = 1024 * 1024;
export const PIPE_BUF = 4096;

class Pipe {
  readonly bytes = new ByteQueue();
  readers = 1;
  writers = 1;
  readonly changed = new WaitQueue();
  constructor(readonly number: number) {}
}

interface End {
  pipe: Pipe;
  reading: boolean;
}

export class PipeScheme extends SchemeBase {
  readonly name = 'pipe';
  private readonly ends = new HandleTable<End>();
  private nextPipe = 1;

  constructor(private readonly kernel: Kernel) {
    super();
  }

  open(): number {
    throw new SysError(Errno.EOPNOTSUPP, 'pipes are made with the pipe syscall');
  }

  createPair(flags: number): [FileDescription, FileDescription] {
    const pipe = new Pipe(this.nextPipe++);
    const extra = flags & O_NONBLOCK;
    const reader = this.ends.add({ pipe, reading: true });
    const writer = this.ends.add({ pipe, reading: false });
    return [
      new FileDescription(this, reader, O_RDONLY | extra, `/scheme/pipe/${pipe.number}`),
      new FileDescription(this, writer, O_WRONLY | extra, `/scheme/pipe/${pipe.number}`),
    ];
  }

  async read(id: number, count: number, call: Call): Promise<Uint8Array> {
    const end = this.ends.get(id);
    if (!end.reading) throw new SysError(Errno.EBADF);
    const pipe = end.pipe;
    for (;;) {
      if (pipe.bytes.size > 0 && count > 0) {
        const data = pipe.bytes.take(count);
        this.changed(pipe);
        return data;
      }
      if (pipe.writers === 0 || count === 0) return new Uint8Array(0);
      if (call.flags & O_NONBLOCK) throw new SysError(Errno.EAGAIN);
      await pipe.changed.wait(call.signal);
    }
  }

  async write(id: number, data: Uint8Array, call: Call): Promise<number> {
    const end = this.ends.get(id);
    if (end.reading) throw new SysError(Errno.EBADF);
    const pipe = end.pipe;
    for (;;) {
      if (pipe.readers === 0) throw new SysError(Errno.EPIPE);
      const room = PIPE_CAPACITY - pipe.bytes.size;
      const fits = data.length <= PIPE_BUF ? room >= data.length : room > 0;
      if (fits || data.length === 0) {
        const n = Math.min(room, data.length);
        pipe.bytes.put(data.slice(0, n));
        this.changed(pipe);
        return n;
      }
      if (call.flags & O_NONBLOCK) throw new SysError(Errno.EAGAIN);
      await pipe.changed.wait(call.signal);
    }
  }

  close(id: number): void {
    const end = this.ends.remove(id);
    if (!end) return;
    if (end.reading) end.pipe.readers--;
    else end.pipe.writers--;
    this.changed(end.pipe);
  }

  fstat(id: number): Stat {
    const end = this.ends.get(id);
    return makeStat({ mode: S_IFIFO | 0o600, nlink: 1, size: end.pipe.bytes.size, ino: end.pipe.number });
  }

  fpath(id: number): string {
    return `/scheme/pipe/${this.ends.get(id).pipe.number}`;
  }

  poll(id: number, interest: number): number {
    const { pipe, reading } = this.ends.get(id);
    let ready = 0;
    if (reading && (pipe.bytes.size > 0 || pipe.writers === 0)) ready |= EVENT_READ;
    if (!reading && (pipe.bytes.size < PIPE_CAPACITY || pipe.readers === 0)) ready |= EVENT_WRITE;
    return ready & interest;
  }

  private changed(pipe: Pipe): void {
    pipe.changed.wakeAll();
    this.kernel.readiness.wakeAll();
  }
}
