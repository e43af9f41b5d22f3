/**
 * The terminal line discipline (the part of a tty between the keyboard and the program): input
 * translation (ICRNL), canonical line editing (erase, kill, word-erase, end of file), echo, the
 * keys that raise signals (ISIG: ^C, ^\, ^Z) and output translation (OPOST/ONLCR). Pure: it is
 * given bytes and says what to echo, what signals to raise and what a reader may take.
 */
import { concatBytes } from '../../syscall/bytes.ts';
import { SIGINT, SIGQUIT, SIGTSTP } from '../../syscall/signal.ts';
import {
  ECHO, ECHOE, ICANON, ICRNL, ISIG, ONLCR, OPOST, VEOF, VERASE, VINTR, VKILL, VQUIT, VSUSP, VWERASE, defaultTermios, type Termios,
} from '../../syscall/termios.ts';

const NEWLINE = 0x0a;

export interface InputResult {
  echo: Uint8Array;
  signals: number[];
}

export class LineDiscipline {
  termios: Termios = defaultTermios();
  private line: number[] = [];
  /** What readers may take: lines in canonical mode (an empty chunk is an end of file). */
  private readonly ready: Uint8Array[] = [];

  get readable(): boolean {
    return this.ready.length > 0;
  }

  /** Processes bytes typed at the terminal (written to the master). */
  input(bytes: Uint8Array): InputResult {
    const echo: number[] = [];
    const signals: number[] = [];
    const t = this.termios;
    const canonical = (t.lflag & ICANON) !== 0;
    const echoing = (t.lflag & ECHO) !== 0;
    const raw: number[] = [];
    for (let byte of bytes) {
      if (byte === 0x0d && t.iflag & ICRNL) byte = NEWLINE;
      if (t.lflag & ISIG) {
        const sig = byte === t.cc[VINTR] ? SIGINT : byte === t.cc[VQUIT] ? SIGQUIT : byte === t.cc[VSUSP] ? SIGTSTP : 0;
        if (sig) {
          signals.push(sig);
          this.line = [];
          if (echoing) echo.push(0x5e, byte + 0x40, NEWLINE);
          continue;
        }
      }
      if (!canonical) {
        raw.push(byte);
        if (echoing) echo.push(byte);
        continue;
      }
      if (byte === t.cc[VERASE] || byte === 0x08) {
        if (this.line.length > 0) {
          this.line.pop();
          if (echoing && t.lflag & ECHOE) echo.push(0x08, 0x20, 0x08);
        }
      } else if (byte === t.cc[VKILL]) {
        if (echoing) for (let i = 0; i < this.line.length; i++) echo.push(0x08, 0x20, 0x08);
        this.line = [];
      } else if (byte === t.cc[VWERASE]) {
        while (this.line.length && this.line[this.line.length - 1] === 0x20) this.erase(echo, echoing);
        while (this.line.length && this.line[this.line.length - 1] !== 0x20) this.erase(echo, echoing);
      } else if (byte === t.cc[VEOF]) {
        this.ready.push(Uint8Array.from(this.line));
        this.line = [];
      } else if (byte === NEWLINE) {
        this.line.push(NEWLINE);
        this.ready.push(Uint8Array.from(this.line));
        this.line = [];
        if (echoing) echo.push(NEWLINE);
      } else {
        this.line.push(byte);
        if (echoing) echo.push(byte);
      }
    }
    if (raw.length) this.ready.push(Uint8Array.from(raw));
    return { echo: this.output(Uint8Array.from(echo)), signals };
  }

  private erase(echo: number[], echoing: boolean): void {
    this.line.pop();
    if (echoing) echo.push(0x08, 0x20, 0x08);
  }

  /** Takes what a read of up to `count` bytes gets; null when nothing is ready (the read waits). */
  take(count: number): Uint8Array | null {
    const head = this.ready[0];
    if (head === undefined) return null;
    if (head.length <= count) {
      this.ready.shift();
      // In raw mode, hand over everything that is ready at once.
      if (!(this.termios.lflag & ICANON)) return this.joinMore(head, count);
      return head;
    }
    this.ready[0] = head.subarray(count);
    return head.subarray(0, count);
  }

  private joinMore(first: Uint8Array, count: number): Uint8Array {
    const parts = [first];
    let size = first.length;
    while (this.ready.length && this.ready[0]!.length > 0 && size + this.ready[0]!.length <= count) {
      const next = this.ready.shift()!;
      parts.push(next);
      size += next.length;
    }
    return concatBytes(parts);
  }

  /** Output translation for bytes a program writes to the terminal. */
  output(bytes: Uint8Array): Uint8Array {
    const t = this.termios;
    if (!(t.oflag & OPOST && t.oflag & ONLCR) || !bytes.includes(NEWLINE)) return bytes;
    const out: number[] = [];
    for (const byte of bytes) {
      if (byte === NEWLINE) out.push(0x0d);
      out.push(byte);
    }
    return Uint8Array.from(out);
  }

  /** Drops typed input (used when the terminal hangs up). */
  flush(): void {
    this.line = [];
    this.ready.length = 0;
  }
}

