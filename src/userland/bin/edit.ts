/**
 * edit: a small full-screen text editor. Arrow keys, Home/End, PgUp/PgDn move; typing inserts;
 * Backspace/Delete remove; ^S saves, ^Q quits (twice if there are unsaved changes). Draws with
 * ANSI escape sequences on a terminal in raw mode, and restores the terminal on the way out.
 */
import {
  Errno, SysError, exists, getWindowSize, makeRaw, read, readTextFile, stdout, tcgetattr, tcsetattr, writeFile, eprint,
  type Termios,
} from '../../libc/index.ts';
import { parseArgs, type Spec } from '../lib/args.ts';

const SPEC: Spec = { name: 'edit', usage: 'FILE', about: 'Edit FILE full-screen. ^S saves, ^Q quits.' };
const ESC = '\x1b';
const CTRL_Q = 0x11, CTRL_S = 0x13, BACKSPACE = 0x7f, CTRL_H = 0x08, ENTER = 0x0d;

class Editor {
  lines: string[];
  row = 0;
  col = 0;
  top = 0;
  dirty = false;
  quitArmed = false;
  message = '^S save  ^Q quit';

  constructor(
    readonly path: string,
    text: string,
    public rows: number,
    public cols: number,
  ) {
    this.lines = text === '' ? [''] : text.replace(/\n$/, '').split('\n');
  }

  get line(): string {
    return this.lines[this.row]!;
  }

  draw(): void {
    const height = this.rows - 1;
    if (this.row < this.top) this.top = this.row;
    if (this.row >= this.top + height) this.top = this.row - height + 1;
    let out = `${ESC}[?25l${ESC}[H`;
    for (let y = 0; y < height; y++) {
      const text = this.lines[this.top + y];
      out += (text === undefined ? '~' : text.slice(0, this.cols)) + `${ESC}[K\r\n`;
    }
    const status = ` ${this.path}${this.dirty ? ' (modified)' : ''} | ${this.row + 1}:${this.col + 1} | ${this.message}`;
    out += `${ESC}[7m${status.slice(0, this.cols).padEnd(this.cols)}${ESC}[m`;
    out += `${ESC}[${this.row - this.top + 1};${Math.min(this.col, this.cols - 1) + 1}H${ESC}[?25h`;
    stdout.write(out);
    stdout.flush();
  }

  /** Handles one key (a byte or an escape sequence); returns false to quit. */
  key(k: string): boolean {
    const code = k.charCodeAt(0);
    if (code !== CTRL_Q) this.quitArmed = false;
    if (k.length > 1 && k.startsWith(`${ESC}[`)) this.move(k.slice(2));
    else if (code === CTRL_Q) {
      if (this.dirty && !this.quitArmed) {
        this.quitArmed = true;
        this.message = 'unsaved changes: ^Q again to quit without saving';
        return true;
      }
      return false;
    } else if (code === CTRL_S) this.save();
    else if (code === ENTER) this.newline();
    else if (code === BACKSPACE || code === CTRL_H) this.backspace();
    else if (code >= 0x20 && code !== 0x7f) this.insert(k);
    this.col = Math.min(this.col, this.line.length);
    return true;
  }

  private move(sequence: string): void {
    const height = this.rows - 1;
    switch (sequence) {
      case 'A': this.row = Math.max(0, this.row - 1); break;
      case 'B': this.row = Math.min(this.lines.length - 1, this.row + 1); break;
      case 'C': if (this.col < this.line.length) this.col++; else if (this.row < this.lines.length - 1) (this.row++, this.col = 0); break;
      case 'D': if (this.col > 0) this.col--; else if (this.row > 0) (this.row--, this.col = this.line.length); break;
      case 'H': case '1~': this.col = 0; break;
      case 'F': case '4~': this.col = this.line.length; break;
      case '5~': this.row = Math.max(0, this.row - height); break;
      case '6~': this.row = Math.min(this.lines.length - 1, this.row + height); break;
      case '3~': this.deleteForward(); break;
    }
  }

  private insert(text: string): void {
    this.lines[this.row] = this.line.slice(0, this.col) + text + this.line.slice(this.col);
    this.col += text.length;
    this.dirty = true;
  }

  private newline(): void {
    const rest = this.line.slice(this.col);
    this.lines[this.row] = this.line.slice(0, this.col);
    this.lines.splice(++this.row, 0, rest);
    this.col = 0;
    this.dirty = true;
  }

  private backspace(): void {
    if (this.col > 0) {
      this.lines[this.row] = this.line.slice(0, this.col - 1) + this.line.slice(this.col);
      this.col--;
    } else if (this.row > 0) {
      const removed = this.lines.splice(this.row, 1)[0]!;
      this.row--;
      this.col = this.line.length;
      this.lines[this.row] += removed;
    } else return;
    this.dirty = true;
  }

  private deleteForward(): void {
    if (this.col < this.line.length) this.lines[this.row] = this.line.slice(0, this.col) + this.line.slice(this.col + 1);
    else if (this.row < this.lines.length - 1) this.lines[this.row] += this.lines.splice(this.row + 1, 1)[0]!;
    else return;
    this.dirty = true;
  }

  private save(): void {
    try {
      writeFile(this.path, this.lines.join('\n') + '\n');
      this.dirty = false;
      this.message = `wrote ${this.lines.length} lines`;
    } catch (error) {
      if (!(error instanceof SysError)) throw error;
      this.message = `cannot save: ${error.message}`;
    }
  }
}

/** Splits raw input into keys: escape sequences stay whole, everything else is one character. */
function keysOf(text: string): string[] {
  const keys: string[] = [];
  for (let i = 0; i < text.length; ) {
    const sequence = /^\x1b\[[0-9;]*[A-Za-z~]/.exec(text.slice(i));
    const key = sequence ? sequence[0] : text[i]!;
    keys.push(key);
    i += key.length;
  }
  return keys;
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const path = opts.operands[0];
  if (!path) {
    eprint('edit: no file given');
    return 2;
  }
  let saved: Termios;
  try {
    saved = tcgetattr(0);
  } catch {
    eprint('edit: standard input is not a terminal');
    return 1;
  }
  let text = '';
  try {
    if (exists(path)) text = readTextFile(path);
  } catch (error) {
    if (!(error instanceof SysError) || error.errno !== Errno.EACCES) throw error;
    eprint(`edit: ${path}: ${error.message}`);
    return 1;
  }
  const size = getWindowSize(0);
  const editor = new Editor(path, text, size.rows || 24, size.cols || 80);
  tcsetattr(0, makeRaw(saved));
  stdout.setBuffering('full');
  const decoder = new TextDecoder();
  try {
    stdout.write(`${ESC}[?1049h`);
    for (let running = true; running; ) {
      editor.draw();
      const input = read(0, 256);
      if (input.length === 0) break;
      for (const key of keysOf(decoder.decode(input, { stream: true }))) {
        if (!editor.key(key)) running = false;
      }
    }
  } finally {
    stdout.write(`${ESC}[2J${ESC}[H${ESC}[?1049l`);
    stdout.flush();
    tcsetattr(0, saved);
  }
  return 0;
}
