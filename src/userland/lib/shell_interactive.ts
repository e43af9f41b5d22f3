/**
 * The interactive shell's read-eval loop: prompts (PS1, PS2 for a command that needs more lines)
 * on stderr, history kept in $HOME/.sh_history, and, when stdin is a pty whose settings can be
 * changed, the line editor (line_editor.ts) in raw mode with completion of command names (first
 * word) and paths. On the plain console it reads cooked lines.
 */
import {
  Errno, O_APPEND, O_CREAT, O_WRONLY, SysError, close, isDirectory, makeRaw, open, read, readTextFile, readdir, stat, tcgetattr,
  tcsetattr, write, type Termios,
} from '../../libc/index.ts';
import { LineEditor, type Completion } from './line_editor.ts';
import { CommandError, ExitSignal, type Shell } from './shell_exec.ts';
import { Parser, ShellSyntaxError } from './shell_parse.ts';

const decoder = new TextDecoder();

function historyPath(sh: Shell): string | null {
  const home = sh.param('HOME');
  return home ? `${home.replace(/\/$/, '')}/.sh_history` : null;
}

function loadHistory(sh: Shell): string[] {
  const path = historyPath(sh);
  if (!path) return [];
  try {
    return readTextFile(path).split('\n').filter((l) => l !== '').slice(-1000);
  } catch {
    return [];
  }
}

function appendHistory(sh: Shell, line: string): void {
  const path = historyPath(sh);
  if (!path || line.trim() === '') return;
  try {
    const fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600);
    try {
      write(fd, line.replace(/\n/g, ' ') + '\n');
    } finally {
      close(fd);
    }
  } catch {
    // no writable home: history stays in memory
  }
}

/** Completion: command names for the first word, paths for the others. */
export function completer(sh: Shell): (line: string, cursor: number) => Completion {
  return (line, cursor) => {
    const before = line.slice(0, cursor);
    const start = Math.max(before.lastIndexOf(' '), before.lastIndexOf('\t'), before.lastIndexOf('|'), before.lastIndexOf(';')) + 1;
    const word = before.slice(start);
    const firstWord = /^\s*$/.test(before.slice(0, start).replace(/.*[|;&]/, ''));
    if (firstWord && !word.includes('/')) {
      const names = new Set<string>([...Object.keys(sh.builtins), ...sh.funcs.keys(), ...sh.aliases.keys()]);
      for (const dir of (sh.param('PATH') ?? '/bin').split(':')) {
        try {
          for (const d of readdir(dir || '.')) names.add(d.name);
        } catch {
          // not a directory
        }
      }
      return { start, candidates: [...names].filter((n) => n.startsWith(word)).sort() };
    }
    const slash = word.lastIndexOf('/');
    const dir = slash < 0 ? '' : word.slice(0, slash + 1);
    const prefix = word.slice(slash + 1);
    let entries: string[] = [];
    try {
      entries = readdir(dir === '' ? '.' : dir).map((d) => d.name);
    } catch {
      return { start, candidates: [] };
    }
    const candidates = entries
      .filter((n) => n.startsWith(prefix) && n !== '.' && n !== '..' && (prefix.startsWith('.') || !n.startsWith('.')))
      .sort()
      .map((n) => {
        try {
          return isDirectory(stat(dir + n)) ? `${dir}${n}/` : dir + n;
        } catch {
          return dir + n;
        }
      });
    return { start, candidates };
  };
}

/** Reads one line with the editor in raw mode; null at end of input. */
function editLine(sh: Shell, editor: LineEditor, saved: Termios, prompt: string): string | null {
  tcsetattr(0, makeRaw(saved));
  try {
    editor.start(prompt);
    for (;;) {
      sh.out(2, editor.takeOutput());
      let chunk: Uint8Array;
      try {
        chunk = read(0, 256);
      } catch (error) {
        if (error instanceof SysError && error.errno === Errno.EINTR) continue;
        throw error;
      }
      if (chunk.length === 0) return null;
      for (const event of editor.feed(decoder.decode(chunk))) {
        sh.out(2, editor.takeOutput());
        if (event.kind === 'line') return event.line;
        if (event.kind === 'eof') return null;
        if (event.kind === 'interrupt') return '\x03';
      }
    }
  } finally {
    tcsetattr(0, saved);
  }
}

/** Reads one cooked line from fd 0 a byte at a time; null at end of input. */
function readCooked(sh: Shell, prompt: string): string | null {
  sh.out(2, prompt);
  const bytes: number[] = [];
  for (;;) {
    let chunk: Uint8Array;
    try {
      chunk = read(0, 1);
    } catch (error) {
      if (error instanceof SysError && error.errno === Errno.EINTR) return '\x03';
      throw error;
    }
    if (chunk.length === 0) return bytes.length ? decoder.decode(Uint8Array.from(bytes)) : null;
    if (chunk[0] === 0x0a) return decoder.decode(Uint8Array.from(bytes));
    bytes.push(chunk[0]!);
  }
}

/** A prompt with its parameter, command and arithmetic expansions done (as dash does for PS1). */
function expandPrompt(sh: Shell, text: string): string {
  if (!text.includes('$') && !text.includes('`')) return text;
  try {
    return sh.expander.heredoc(Parser.heredocBody(text));
  } catch {
    return text;
  }
}

export function interactiveLoop(sh: Shell): void {
  sh.catchInterrupts();
  let termios: Termios | null = null;
  try {
    termios = tcgetattr(0);
  } catch {
    termios = null;
  }
  if (termios) sh.jobs.enable();
  const editor = new LineEditor(loadHistory(sh), completer(sh));
  let buffer = '';
  for (;;) {
    const prompt = expandPrompt(sh, buffer === '' ? sh.param('PS1') ?? '$ ' : sh.param('PS2') ?? '> ');
    const line = termios ? editLine(sh, editor, termios, prompt) : readCooked(sh, prompt);
    if (line === '\x03') {
      buffer = '';
      sh.status = 130;
      continue;
    }
    if (line === null) {
      if (buffer === '') {
        sh.out(2, '\n');
        return;
      }
      buffer += '\n';
    } else buffer += line + '\n';
    try {
      new Parser(buffer, (name) => sh.aliases.get(name)).all();
    } catch (error) {
      if (error instanceof ShellSyntaxError && error.incomplete && line !== null) continue;
    }
    const text = buffer;
    buffer = '';
    editor.remember(text.replace(/\n$/, ''));
    appendHistory(sh, text.replace(/\n$/, ''));
    sh.jobs.text = text.trim();
    try {
      sh.runText(text);
    } catch (error) {
      if (error instanceof ExitSignal) throw error;
      if (error instanceof CommandError) sh.status = error.status;
      else throw error;
    } finally {
      sh.jobs.done();
    }
    if (line === null) return;
  }
}
