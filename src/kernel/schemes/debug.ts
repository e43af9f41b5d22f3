/**
 * The `debug` scheme: the machine console, as Redox's kernel `debug:` scheme is before a console
 * driver and ptyd take over. Output goes to the host's console device. Input gets a minimal line
 * discipline when the host console is an interactive terminal (echo, backspace, ^U, ^C -> SIGINT
 * and ^\ -> SIGQUIT to the foreground process group, ^D -> end of file); from a pipe, bytes pass
 * through unchanged and the end of the host's input is the end of file.
 * `/scheme/debug/pgrp` holds the foreground process group (write a number to set it).
 * `/scheme/debug/raw` is the console driver's side: while it is open, input goes to it untouched
 * (no line discipline) and its writes go out untranslated; a pty daemon does the rest.
 * `/scheme/debug/winsize` reads the host terminal's size (8 bytes, termios.ts), once per change;
 * it becomes readable for the event scheme when the size changes.
 */
import { Errno, SysError } from '../../syscall/errno.ts';
import { EVENT_READ, EVENT_WRITE, O_NONBLOCK, S_IFCHR } from '../../syscall/flags.ts';
import { SIGINT, SIGQUIT } from '../../syscall/signal.ts';
import { makeStat, type Stat } from '../../syscall/stat.ts';
import { encodeWinsize } from '../../syscall/termios.ts';
import type { Kernel } from '../kernel.ts';
import { HandleTable, SchemeBase, type Call } from '../scheme.ts';
import { WaitQueue } from '../wait_queue.ts';

const CTRL_C = 0x03, CTRL_D = 0x04, CTRL_U = 0x15, CTRL_BACKSLASH = 0x1c, BACKSPACE = 0x7f, CTRL_H = 0x08;

type Handle = { kind: 'console' } | { kind: 'raw' } | { kind: 'pgrp'; offset: number } | { kind: 'winsize'; seen: number };

export class DebugScheme extends SchemeBase {
  readonly name = 'debug';
  private readonly handles = new HandleTable<Handle>();
  private ready: Uint8Array[] = [];
  private line: number[] = [];
  /** End-of-file marks waiting to be read (^D on an empty line), or the host input's end. */
  private eofs = 0;
  private inputEnded = false;
  private readonly arrived = new WaitQueue();
  foregroundPgid = 0;
  private rawReaders = 0;
  private readonly rawInput: Uint8Array[] = [];
  private sizeVersion = 1;

  constructor(private readonly kernel: Kernel) {
    super();
    const console = kernel.machine.console;
    console.onInput((bytes) => (this.rawReaders > 0 ? this.passRaw(bytes) : console.interactive ? this.cook(bytes) : this.pass(bytes)));
    console.onResize(() => {
      this.sizeVersion++;
      this.changed();
    });
    console.onEnd(() => {
      this.inputEnded = true;
      this.changed();
    });
  }

  open(path: string, _flags: number, call: Call): number {
    if (path === '') return this.handles.add({ kind: 'console' });
    if ((path === 'raw' || path === 'pgrp') && call.caller.uid !== 0) throw new SysError(Errno.EACCES, `/scheme/debug/${path} is root's`);
    if (path === 'pgrp') return this.handles.add({ kind: 'pgrp', offset: 0 });
    if (path === 'winsize') return this.handles.add({ kind: 'winsize', seen: 0 });
    if (path === 'raw') {
      this.rawReaders++;
      return this.handles.add({ kind: 'raw' });
    }
    throw new SysError(Errno.ENOENT, `/scheme/debug/${path}`);
  }

  close(id: number): void {
    if (this.handles.remove(id)?.kind === 'raw') this.rawReaders--;
  }

  async read(id: number, count: number, call: Call): Promise<Uint8Array> {
    const h = this.handles.get(id);
    if (h.kind === 'pgrp') {
      const text = new TextEncoder().encode(`${this.foregroundPgid}\n`).slice(h.offset, h.offset + count);
      h.offset += text.length;
      return text;
    }
    if (h.kind === 'winsize') {
      if (h.seen === this.sizeVersion) return new Uint8Array(0);
      h.seen = this.sizeVersion;
      const { rows, cols } = this.kernel.machine.console.size();
      return encodeWinsize({ rows, cols, xpixel: 0, ypixel: 0 }).subarray(0, count);
    }
    if (h.kind === 'raw') {
      for (;;) {
        const next = this.rawInput.shift();
        if (next) {
          if (next.length > count) this.rawInput.unshift(next.subarray(count));
          return next.subarray(0, count);
        }
        if (this.inputEnded) return new Uint8Array(0);
        if (call.flags & O_NONBLOCK) throw new SysError(Errno.EAGAIN);
        await this.arrived.wait(call.signal);
      }
    }
    for (;;) {
      if (this.ready.length > 0) return this.take(count);
      if (this.eofs > 0) {
        this.eofs--;
        return new Uint8Array(0);
      }
      if (this.inputEnded) return new Uint8Array(0);
      if (call.flags & O_NONBLOCK) throw new SysError(Errno.EAGAIN);
      await this.arrived.wait(call.signal);
    }
  }

  write(id: number, data: Uint8Array): number {
    const h = this.handles.get(id);
    if (h.kind === 'pgrp') {
      this.setForeground(new TextDecoder().decode(data));
      return data.length;
    }
    if (h.kind === 'raw') this.kernel.machine.console.write(data);
    else if (h.kind === 'winsize') throw new SysError(Errno.EACCES, 'the console size is set by the host terminal');
    else this.output(data);
    return data.length;
  }

  private setForeground(text: string): void {
    const pgid = Number(text.trim());
    if (!/^\d+$/.test(text.trim())) throw new SysError(Errno.EINVAL, `bad process group ${text.trim()}`);
    this.foregroundPgid = pgid;
  }

  private output(data: Uint8Array): void {
    if (!this.kernel.machine.console.interactive) return this.kernel.machine.console.write(data);
    // The host terminal is raw, so the console does the output newline translation (ONLCR).
    const out: number[] = [];
    for (const byte of data) {
      if (byte === 0x0a) out.push(0x0d);
      out.push(byte);
    }
    this.kernel.machine.console.write(Uint8Array.from(out));
  }

  fstat(): Stat {
    return makeStat({ mode: S_IFCHR | 0o620, nlink: 1, rdev: 1 });
  }

  fpath(id: number): string {
    const kind = this.handles.get(id).kind;
    return kind === 'console' ? '/scheme/debug' : `/scheme/debug/${kind}`;
  }

  poll(id: number, interest: number): number {
    const h = this.handles.get(id);
    const readable =
      h.kind === 'raw' ? this.rawInput.length > 0 || this.inputEnded
        : h.kind === 'winsize' ? h.seen !== this.sizeVersion
          : h.kind === 'pgrp' || this.ready.length > 0 || this.eofs > 0 || this.inputEnded;
    return ((readable ? EVENT_READ : 0) | EVENT_WRITE) & interest;
  }

  private take(count: number): Uint8Array {
    const head = this.ready[0]!;
    if (head.length <= count) {
      this.ready.shift();
      return head;
    }
    this.ready[0] = head.subarray(count);
    return head.subarray(0, count);
  }

  private passRaw(bytes: Uint8Array): void {
    this.rawInput.push(bytes);
    this.changed();
  }

  private pass(bytes: Uint8Array): void {
    this.ready.push(bytes);
    this.changed();
  }

  private cook(bytes: Uint8Array): void {
    for (const byte of bytes) {
      if (byte === 0x0d || byte === 0x0a) {
        this.echo('\r\n');
        this.ready.push(Uint8Array.from([...this.line, 0x0a]));
        this.line = [];
      } else if (byte === BACKSPACE || byte === CTRL_H) {
        if (this.line.length > 0) {
          this.line.pop();
          this.echo('\b \b');
        }
      } else if (byte === CTRL_U) {
        this.echo('\b \b'.repeat(this.line.length));
        this.line = [];
      } else if (byte === CTRL_C || byte === CTRL_BACKSLASH) {
        this.echo(byte === CTRL_C ? '^C\r\n' : '^\\\r\n');
        this.line = [];
        this.signalForeground(byte === CTRL_C ? SIGINT : SIGQUIT);
      } else if (byte === CTRL_D) {
        if (this.line.length === 0) this.eofs++;
        else this.ready.push(Uint8Array.from(this.line));
        this.line = [];
      } else {
        this.line.push(byte);
        this.kernel.machine.console.write(Uint8Array.of(byte));
      }
    }
    this.changed();
  }

  private echo(text: string): void {
    this.kernel.machine.console.write(new TextEncoder().encode(text));
  }

  private signalForeground(sig: number): void {
    if (this.foregroundPgid === 0) return;
    for (const proc of this.kernel.processes.values()) {
      if (proc.pgid === this.foregroundPgid) this.kernel.signal(proc, sig);
    }
  }

  private changed(): void {
    this.arrived.wakeAll();
    this.kernel.readiness.wakeAll();
  }
}
