/**
 * An in-process pipe between programs run by one Linux-backend server: a byte queue with reader
 * and writer counts. A read with nothing queued waits (EINTR when the call is aborted by a
 * signal); end of file once every writer has closed. A write with no reader is EPIPE. Writers
 * wait while more than PIPE_BUF_LIMIT bytes are queued, so a producer cannot outrun its consumer
 * without bound.
 */
import { Errno, SysError } from '../../syscall/errno.ts';
import { ByteQueue } from '../../kernel/byte_queue.ts';
import { WaitQueue } from '../../kernel/wait_queue.ts';

export const PIPE_BUF_LIMIT = 64 * 1024;

export class LinuxPipe {
  private readonly bytes = new ByteQueue();
  readers = 0;
  writers = 0;
  private readonly changed = new WaitQueue();

  /** `nonblocking` (the description's O_NONBLOCK): EAGAIN instead of waiting, as the kernel's pipes do. */
  async read(max: number, signal: AbortSignal, nonblocking: boolean): Promise<Uint8Array> {
    for (;;) {
      if (this.bytes.size > 0) return this.take(max);
      if (this.writers === 0 || max === 0) return new Uint8Array(0);
      if (nonblocking) throw new SysError(Errno.EAGAIN);
      await this.changed.wait(signal);
    }
  }

  private take(max: number): Uint8Array {
    const out = this.bytes.take(max);
    this.changed.wakeAll();
    return out;
  }

  async write(data: Uint8Array, signal: AbortSignal, nonblocking: boolean): Promise<number> {
    for (;;) {
      if (this.readers === 0) throw new SysError(Errno.EPIPE);
      if (this.bytes.size < PIPE_BUF_LIMIT) break;
      if (nonblocking) throw new SysError(Errno.EAGAIN);
      await this.changed.wait(signal);
    }
    if (data.length > 0) {
      this.bytes.put(data.slice());
      this.changed.wakeAll();
    }
    return data.length;
  }

  get available(): number {
    return this.bytes.size;
  }

  closeEnd(end: 'read' | 'write'): void {
    if (end === 'read') this.readers--;
    else this.writers--;
    this.changed.wakeAll();
  }
}
