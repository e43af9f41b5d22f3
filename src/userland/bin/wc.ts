/** wc: count lines, words and bytes. */
import { read, stdout } from '../../libc/index.ts';
import { fail, parseArgs, type Spec } from '../lib/args.ts';
import { closeInput, openInput } from './_io.ts';

const SPEC: Spec = {
  name: 'wc',
  usage: '[OPTION]... [FILE]...',
  about: 'Print newline, word and byte counts for each FILE, and a total line if more than one.',
  options: [
    ['-l, --lines', 'print the newline counts'],
    ['-w, --words', 'print the word counts'],
    ['-c, --bytes', 'print the byte counts'],
    ['-m, --chars', 'print the character counts'],
    ['-L, --max-line-length', 'print the maximum display width'],
  ],
};

type Counts = [lines: number, words: number, chars: number, bytes: number, longest: number];

function count(fd: number): Counts {
  const counts: Counts = [0, 0, 0, 0, 0];
  let inWord = false;
  let column = 0;
  for (let chunk = read(fd, 64 * 1024); chunk.length > 0; chunk = read(fd, 64 * 1024)) {
    counts[3] += chunk.length;
    for (const byte of chunk) {
      if (byte === 0x0a) {
        counts[0]++;
        counts[4] = Math.max(counts[4], column);
        column = 0;
      } else if (byte === 0x09) column = column - (column % 8) + 8;
      else if ((byte & 0xc0) !== 0x80 && byte >= 0x20) column++;
      if ((byte & 0xc0) !== 0x80) counts[2]++;
      const space = byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
      if (!space && !inWord) counts[1]++;
      inWord = !space;
    }
  }
  counts[4] = Math.max(counts[4], column);
  return counts;
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const any = ['l', 'w', 'm', 'c', 'L'].some((f) => opts.has(f));
  const shown = [!any || opts.has('l'), !any || opts.has('w'), opts.has('m'), !any || opts.has('c'), opts.has('L')];
  const files = opts.operands.length ? opts.operands : ['-'];
  const rows: [Counts, string][] = [];
  let status = 0;
  for (const file of files) {
    let fd: number;
    try {
      fd = openInput(file);
    } catch (error) {
      status = fail('wc', file, error);
      continue;
    }
    try {
      rows.push([count(fd), opts.operands.length ? file : '']);
    } catch (error) {
      status = fail('wc', file, error);
    } finally {
      closeInput(fd);
    }
  }
  const total = (t: Counts, c: Counts): Counts => t.map((n, i) => (i === 4 ? Math.max(n, c[i]!) : n + c[i]!)) as Counts;
  if (rows.length > 1) rows.push([rows.reduce<Counts>((t, [c]) => total(t, c), [0, 0, 0, 0, 0]), 'total']);
  const single = shown.filter(Boolean).length === 1 && rows.length === 1;
  const width = single ? 0 : Math.max(opts.operands.length ? 1 : 7, ...rows.map(([c]) => String(Math.max(...c)).length));
  for (const [counts, name] of rows) {
    const fields = counts.filter((_, i) => shown[i]).map((n) => String(n).padStart(width));
    stdout.write(fields.join(' ') + (name ? ` ${name}` : '') + '\n');
  }
  return status;
}
