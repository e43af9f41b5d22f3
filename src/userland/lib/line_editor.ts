/**
 * The interactive line editor: turns raw terminal bytes into edited lines. It owns only the line
 * being edited, the cursor and the history; the caller reads bytes (the terminal in raw mode),
 * calls `feed`, writes `takeOutput()` to the terminal and acts on the returned events. Keys:
 * printable text, Backspace, Delete (ESC [ 3 ~), arrows (left/right move, up/down walk the
 * history), Home/End and ^A/^E, ^B/^F, ^K (kill to end), ^U (kill to start), ^W (kill word),
 * ^L (redraw), Tab (completion through the caller's `complete`), Enter (a line), ^C (discard the
 * line: `interrupt`), ^D (end of file on an empty line, else delete). No I/O happens here, so it
 * is tested without a terminal.
 */

export interface Completion {
  /** Where the word being completed starts in the line. */
  start: number;
  /** Full replacements for line[start..cursor]; a directory ends with '/'. */
  candidates: string[];
}

export type EditorEvent = { kind: 'line'; line: string } | { kind: 'eof' } | { kind: 'interrupt' };

export class LineEditor {
  private line = '';
  private cursor = 0;
  private out = '';
  private escape = '';
  private historyIndex: number;
  private saved = '';
  private lastWasTab = false;
  prompt = '';

  constructor(
    readonly history: string[] = [],
    private readonly complete: (line: string, cursor: number) => Completion = () => ({ start: 0, candidates: [] }),
    private readonly historyLimit = 1000,
  ) {
    this.historyIndex = history.length;
  }

  /** Starts a new line: prints the prompt. */
  start(prompt: string): void {
    this.prompt = prompt;
    this.line = '';
    this.cursor = 0;
    this.historyIndex = this.history.length;
    this.out += prompt;
  }

  /** Text to write to the terminal since the last call. */
  takeOutput(): string {
    const text = this.out;
    this.out = '';
    return text;
  }

  /** Adds a line to the history (not empty lines, not a repeat of the last one). */
  remember(line: string): void {
    if (line.trim() === '' || this.history[this.history.length - 1] === line) return;
    this.history.push(line);
    if (this.history.length > this.historyLimit) this.history.splice(0, this.history.length - this.historyLimit);
  }

  /** Feeds input; returns the events it completed, in order. */
  feed(input: Uint8Array | string): EditorEvent[] {
    const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
    const events: EditorEvent[] = [];
    for (const ch of text) {
      const event = this.key(ch);
      if (event) events.push(event);
    }
    return events;
  }

  private key(ch: string): EditorEvent | null {
    if (this.escape !== '') return this.escapeKey(ch);
    const tab = ch === '\t';
    const event = this.plainKey(ch);
    this.lastWasTab = tab;
    return event;
  }

  private plainKey(ch: string): EditorEvent | null {
    switch (ch) {
      case '\x1b': this.escape = ch; return null;
      case '\r': case '\n': {
        const line = this.line;
        this.out += '\r\n';
        this.line = '';
        this.cursor = 0;
        return { kind: 'line', line };
      }
      case '\x7f': case '\b':
        if (this.cursor > 0) {
          this.line = this.line.slice(0, this.cursor - 1) + this.line.slice(this.cursor);
          this.cursor--;
          this.redraw();
        }
        return null;
      case '\x01': return this.moveTo(0);
      case '\x05': return this.moveTo(this.line.length);
      case '\x02': return this.moveTo(this.cursor - 1);
      case '\x06': return this.moveTo(this.cursor + 1);
      case '\x0b':
        this.line = this.line.slice(0, this.cursor);
        this.redraw();
        return null;
      case '\x15':
        this.line = this.line.slice(this.cursor);
        this.cursor = 0;
        this.redraw();
        return null;
      case '\x17': {
        const before = this.line.slice(0, this.cursor).replace(/\S+\s*$/, '');
        this.line = before + this.line.slice(this.cursor);
        this.cursor = before.length;
        this.redraw();
        return null;
      }
      case '\x0c':
        this.out += '\x1b[H\x1b[2J';
        this.redraw();
        return null;
      case '\x03':
        this.out += '^C\r\n';
        this.line = '';
        this.cursor = 0;
        return { kind: 'interrupt' };
      case '\x04':
        if (this.line === '') return { kind: 'eof' };
        this.deleteForward();
        return null;
      case '\t':
        this.tab();
        return null;
    }
    if (ch < ' ') return null;
    this.line = this.line.slice(0, this.cursor) + ch + this.line.slice(this.cursor);
    this.cursor += ch.length;
    if (this.cursor === this.line.length) this.out += ch;
    else this.redraw();
    return null;
  }

  private escapeKey(ch: string): EditorEvent | null {
    this.escape += ch;
    const seq = this.escape;
    if (seq === '\x1b[' || seq === '\x1bO' || /^\x1b\[[0-9;]+$/.test(seq)) return null;
    this.escape = '';
    switch (seq) {
      case '\x1b[A': case '\x1bOA': this.historyStep(-1); break;
      case '\x1b[B': case '\x1bOB': this.historyStep(1); break;
      case '\x1b[C': case '\x1bOC': this.moveTo(this.cursor + 1); break;
      case '\x1b[D': case '\x1bOD': this.moveTo(this.cursor - 1); break;
      case '\x1b[H': case '\x1bOH': case '\x1b[1~': this.moveTo(0); break;
      case '\x1b[F': case '\x1bOF': case '\x1b[4~': this.moveTo(this.line.length); break;
      case '\x1b[3~': this.deleteForward(); break;
    }
    return null;
  }

  private deleteForward(): void {
    if (this.cursor >= this.line.length) return;
    this.line = this.line.slice(0, this.cursor) + this.line.slice(this.cursor + 1);
    this.redraw();
  }

  private moveTo(at: number): null {
    const target = Math.max(0, Math.min(this.line.length, at));
    if (target < this.cursor) this.out += `\x1b[${this.cursor - target}D`;
    else if (target > this.cursor) this.out += `\x1b[${target - this.cursor}C`;
    this.cursor = target;
    return null;
  }

  private historyStep(delta: number): void {
    const next = this.historyIndex + delta;
    if (next < 0 || next > this.history.length) return;
    if (this.historyIndex === this.history.length) this.saved = this.line;
    this.historyIndex = next;
    this.line = next === this.history.length ? this.saved : this.history[next]!;
    this.cursor = this.line.length;
    this.redraw();
  }

  private tab(): void {
    const { start, candidates } = this.complete(this.line, this.cursor);
    if (candidates.length === 0) return;
    const current = this.line.slice(start, this.cursor);
    let insert: string;
    if (candidates.length === 1) {
      const only = candidates[0]!;
      insert = only.endsWith('/') ? only : only + ' ';
    } else {
      insert = commonPrefix(candidates);
      if (insert.length <= current.length) {
        if (this.lastWasTab) {
          this.out += '\r\n' + candidates.join('  ') + '\r\n';
          this.redraw();
        }
        return;
      }
    }
    this.line = this.line.slice(0, start) + insert + this.line.slice(this.cursor);
    this.cursor = start + insert.length;
    this.redraw();
  }

  /** Rewrites the prompt and line and puts the cursor back. */
  private redraw(): void {
    this.out += `\r${this.prompt}${this.line}\x1b[K`;
    const back = this.line.length - this.cursor;
    if (back > 0) this.out += `\x1b[${back}D`;
  }
}

function commonPrefix(words: string[]): string {
  let prefix = words[0] ?? '';
  for (const w of words) {
    while (!w.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix;
}
