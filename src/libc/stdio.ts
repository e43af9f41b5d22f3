/**
 * stdio with the buffering C gives it: stdout is line-buffered to a terminal and fully buffered
 * to anything else, stderr is unbuffered, and everything is flushed at exit. `stdin` reads lines.
 */
import { concatBytes } from '../syscall/bytes.ts';
import { Errno, SysError } from '../syscall/errno.ts';
import { IO_MAX } from '../syscall/slot.ts';
import { isatty, read, write } from './fs.ts';
import { syscall } from './syscall.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const FULL_BUFFER = 64 * 1024;

type Buffering = 'line' | 'full' | 'none';

export class OutStream {
  private parts: Uint8Array[] = [];
  private size = 0;
  private mode: Buffering | null;

  constructor(
    readonly fd: number,
    mode: Buffering | 'auto',
  ) {
    this.mode = mode === 'auto' ? null : mode;
  }

  write(data: string | Uint8Array): void {
    const bytes = typeof data === 'string' ? encoder.encode(data) : data;
    this.mode ??= isatty(this.fd) ? 'line' : 'full';
    if (this.mode === 'none') {
      write(this.fd, bytes);
      return;
    }
    this.parts.push(bytes);
    this.size += bytes.length;
    if (this.size >= FULL_BUFFER || (this.mode === 'line' && bytes.includes(0x0a))) this.flush();
  }

  /**
   * Writes out what is buffered. An interrupting signal's handler runs and the flush goes on, so
   * no output is lost to a signal. On any other error the bytes not written are dropped, as C's
   * stdio drops them, and the error is thrown: kept, they would go wherever the descriptor points
   * at the next flush.
   */
  flush(): void {
    if (this.size === 0) return;
    let pending = concatBytes(this.parts);
    this.parts = [];
    this.size = 0;
    while (pending.length > 0) {
      let n: number;
      try {
        n = syscall('write', this.fd, pending.subarray(0, IO_MAX));
      } catch (error) {
        if (error instanceof SysError && error.errno === Errno.EINTR) continue;
        throw error;
      }
      if (n <= 0) throw new SysError(Errno.EIO, `write to fd ${this.fd} made no progress`);
      pending = pending.subarray(n);
    }
  }

  setBuffering(mode: Buffering): void {
    this.flush();
    this.mode = mode;
  }
}

export class InStream {
  private pending = '';
  private ended = false;

  constructor(readonly fd: number) {}

  /** The next line without its newline, or null at end of file. */
  readLine(): string | null {
    for (;;) {
      const newline = this.pending.indexOf('\n');
      if (newline >= 0) {
        const line = this.pending.slice(0, newline);
        this.pending = this.pending.slice(newline + 1);
        return line;
      }
      if (this.ended) {
        if (this.pending === '') return null;
        const rest = this.pending;
        this.pending = '';
        return rest;
      }
      const chunk = read(this.fd, 64 * 1024);
      if (chunk.length === 0) this.ended = true;
      else this.pending += decoder.decode(chunk, { stream: true });
    }
  }

  readAll(): string {
    let out = this.pending;
    this.pending = '';
    while (!this.ended) {
      const chunk = read(this.fd, 64 * 1024);
      if (chunk.length === 0) this.ended = true;
      else out += decoder.decode(chunk, { stream: true });
    }
    return out;
  }
}

export const stdin = new InStream(0);
export const stdout = new OutStream(1, 'auto');
export const stderr = new OutStream(2, 'none');

/** Flushes stdout and stderr: both are tried, then the first error is thrown. */
export function flushAll(): void {
  const failures: unknown[] = [];
  for (const stream of [stdout, stderr]) {
    try {
      stream.flush();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
}

export const print = (text: string): void => stdout.write(text + '\n');
export const eprint = (text: string): void => stderr.write(text + '\n');
