/**
 * faultd: a daemon for fault-injection tests, serving `/scheme/fault`. Opening `hello` gives a
 * file that reads "hello\n"; opening `crash` makes the daemon throw mid-request (a daemon bug:
 * the caller gets EIO, init restarts the daemon); reading `park` blocks until cancelled (a
 * signal to the caller cancels it, and the caller gets EINTR).
 */
import { Errno, SysError } from '../../syscall/errno.ts';
import { makeStat, type Stat } from '../../syscall/stat.ts';
import { S_IFREG } from '../../syscall/flags.ts';
import { setrens } from '../../libc/index.ts';
import { PARKED, SchemeServer, type SchemeHandler } from '../../libc/scheme.ts';

class FaultHandler implements SchemeHandler {
  private readonly handles = new Map<number, { name: string; offset: number }>();
  private nextId = 1;

  open(path: string): number {
    if (path === 'crash') throw new Error('faultd: deliberate crash while serving a request');
    if (path !== 'hello' && path !== 'park') throw new SysError(Errno.ENOENT, path);
    const id = this.nextId++;
    this.handles.set(id, { name: path, offset: 0 });
    return id;
  }

  close(id: number): void {
    this.handles.delete(id);
  }

  read(id: number, count: number): Uint8Array | typeof PARKED {
    const h = this.handles.get(id);
    if (!h) throw new SysError(Errno.EBADF);
    if (h.name === 'park') return PARKED;
    const text = new TextEncoder().encode('hello\n').slice(h.offset, h.offset + count);
    h.offset += text.length;
    return text;
  }

  fstat(id: number): Stat {
    if (!this.handles.has(id)) throw new SysError(Errno.EBADF);
    return makeStat({ mode: S_IFREG | 0o444, nlink: 1, size: 6 });
  }

  fpath(id: number): string {
    return this.handles.get(id)?.name ?? '';
  }
}

export function main(): number {
  const server = SchemeServer.register('fault');
  setrens([]);
  server.serve(new FaultHandler());
  return 0;
}
