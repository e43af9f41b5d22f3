/**
 * less: a pager. Shows the input a screenful at a time on a terminal (and copies it through when
 * standard output is not one). Until the terminal offers a raw mode, each command ends with Enter.
 */
import { O_RDONLY, environ, fpath, isatty, open, stdout } from '../../libc/index.ts';
import { fail, parseArgs, type Spec } from '../lib/args.ts';
import { LineReader, readInputText, splitLines } from './_io.ts';

const SPEC: Spec = {
  name: 'less',
  usage: '[OPTION]... [FILE]...',
  about: 'View FILE(s) (standard input when none) a page at a time. Commands (then Enter): Enter, space or f: next page; ' +
    'j / k: a line down / up; b: a page back; g / G: top / bottom; /PATTERN: search forward; n: next match; q: quit.',
  options: [['-N, --line-numbers', 'show line numbers']],
};

/** The terminal to read commands from: stdin if it is one, else the terminal stdout writes to. */
function terminal(): number {
  return isatty(0) ? 0 : open(fpath(1), O_RDONLY);
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const lines: string[] = [];
  let status = 0;
  for (const file of opts.operands.length ? opts.operands : ['-']) {
    try {
      for (const line of splitLines(readInputText(file))) lines.push(line);
    } catch (error) {
      status = fail('less', file, error);
    }
  }
  const shown = opts.has('N') ? lines.map((l, i) => `${String(i + 1).padStart(7)} ${l}`) : lines;
  if (!isatty(1)) {
    for (const line of shown) stdout.write(line + '\n');
    return status;
  }
  const keys = new LineReader(terminal());
  const page = Math.max(1, (Number(environ.LINES) || 24) - 1);
  const bottom = Math.max(0, shown.length - page);
  let top = 0;
  let pattern: RegExp | null = null;
  const search = (from: number): void => {
    const found = pattern ? shown.findIndex((l, i) => i >= from && pattern!.test(l)) : -1;
    if (found >= 0) top = Math.min(found, bottom);
  };
  for (;;) {
    stdout.write('\x1b[H\x1b[2J' + shown.slice(top, top + page).map((l) => l + '\n').join(''));
    stdout.write(top >= bottom ? '(END) ' : ':');
    stdout.flush();
    const command = keys.next()?.replace(/\n$/, '');
    if (command === undefined || command === 'q' || command === 'Q') break;
    if (command === '' || command === ' ' || command === 'f') top = Math.min(top + page, bottom);
    else if (command === 'j') top = Math.min(top + 1, bottom);
    else if (command === 'k') top = Math.max(top - 1, 0);
    else if (command === 'b') top = Math.max(top - page, 0);
    else if (command === 'g') top = 0;
    else if (command === 'G') top = bottom;
    else if (command.startsWith('/')) {
      try {
        pattern = new RegExp(command.slice(1));
      } catch {
        pattern = null;
      }
      search(top + 1);
    } else if (command === 'n') search(top + 1);
  }
  stdout.write('\n');
  return status;
}
