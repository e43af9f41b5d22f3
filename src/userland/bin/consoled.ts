/**
 * consoled: the console driver. Joins the machine console (`/scheme/debug/raw`, given as fds 0
 * and 1) to a pseudo-terminal master (fd 3): keys typed on the host terminal go to the master,
 * the terminal's output goes to the host, and the host terminal's size is copied to the pty
 * (which sends SIGWINCH). Full-screen programs work because the pty does the line discipline.
 * Usage: consoled PTY_PATH (the slave's path, e.g. /scheme/pty/0, for its winsize file)
 */
import {
  EVENT_READ, EventQueue, F_GETFL, F_SETFL, O_NONBLOCK, O_RDONLY, O_WRONLY, Errno, SysError, close, eprint, fcntl, open, read, write,
  type ReadyEvent,
} from '../../libc/index.ts';

const CONSOLE_IN = 0;
const CONSOLE_OUT = 1;
const MASTER = 3;

function copySize(from: number, ptyPath: string): void {
  const size = read(from, 8);
  if (size.length !== 8) return;
  const to = open(`${ptyPath}/winsize`, O_WRONLY);
  try {
    write(to, size);
  } finally {
    close(to);
  }
}

/** A non-blocking read: null when nothing is there after all (readiness was stale). */
function readSome(fd: number, count: number): Uint8Array | null {
  try {
    return read(fd, count);
  } catch (error) {
    if (error instanceof SysError && (error.errno === Errno.EAGAIN || error.errno === Errno.EINTR)) return null;
    throw error;
  }
}

export function main(args: string[]): number {
  const ptyPath = args[1];
  if (!ptyPath) {
    eprint('usage: consoled PTY_PATH');
    return 2;
  }
  for (const fd of [CONSOLE_IN, MASTER]) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  const sizes = open('/scheme/debug/winsize', O_RDONLY);
  copySize(sizes, ptyPath);
  const queue = new EventQueue();
  for (const fd of [CONSOLE_IN, MASTER, sizes]) queue.watch(fd, EVENT_READ);
  for (;;) {
    let events: ReadyEvent[];
    try {
      events = queue.wait();
    } catch (error) {
      if (error instanceof SysError && error.errno === Errno.EINTR) continue;
      throw error;
    }
    for (const { fd } of events) {
      if (fd === sizes) copySize(sizes, ptyPath);
      else if (fd === CONSOLE_IN) {
        const typed = readSome(CONSOLE_IN, 4096);
        if (typed?.length === 0) return 0;
        if (typed) write(MASTER, typed);
      } else if (fd === MASTER) {
        const shown = readSome(MASTER, 65536);
        if (shown?.length === 0) return 0;
        if (shown) write(CONSOLE_OUT, shown);
      }
    }
  }
}
