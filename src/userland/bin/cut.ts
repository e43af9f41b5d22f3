/** cut: print selected parts (fields, characters or bytes) of each line. */
import { stdout } from '../../libc/index.ts';
import { fail, parseArgs, usageError, type Spec } from '../lib/args.ts';
import { eachLine } from './_io.ts';

const SPEC: Spec = {
  name: 'cut',
  usage: 'OPTION... [FILE]...',
  about: 'Print selected parts of lines from each FILE (standard input when none, or for -). LIST is N, N-M, N- or -M, comma-separated.',
  options: [
    ['-f, --fields LIST', 'select only these fields'],
    ['-d, --delimiter DELIM', 'use DELIM instead of TAB for field delimiter'],
    ['-c, --characters LIST', 'select only these characters'],
    ['-b, --bytes LIST', 'select only these bytes (characters here)'],
    ['-s, --only-delimited', 'do not print lines not containing delimiters'],
    ['--output-delimiter STRING', 'use STRING as the output delimiter'],
  ],
};

type Range = [number, number];

function parseList(list: string): Range[] | null {
  const ranges: Range[] = [];
  for (const part of list.split(',')) {
    const match = /^(\d*)(-?)(\d*)$/.exec(part);
    if (!match || (match[1] === '' && match[3] === '') || part === '') return null;
    const from = match[1] ? Number(match[1]) : 1;
    const to = match[2] ? (match[3] ? Number(match[3]) : Infinity) : from;
    if (from < 1 || to < from) return null;
    ranges.push([from, to]);
  }
  return ranges;
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const modes = ['f', 'c', 'b'].filter((m) => opts.has(m));
  if (modes.length !== 1) return usageError(SPEC, modes.length ? 'only one type of list may be specified' : 'you must specify a list of bytes, characters, or fields');
  const mode = modes[0]!;
  const ranges = parseList(opts.get(mode)!);
  if (!ranges) return usageError(SPEC, `invalid list: '${opts.get(mode)}'`);
  const delim = opts.get('d', '\t')!;
  if ([...delim].length !== 1) return usageError(SPEC, 'the delimiter must be a single character');
  const selected = (n: number): boolean => ranges.some(([a, b]) => n >= a && n <= b);
  const outDelim = opts.get('output-delimiter', mode === 'f' ? delim : '')!;
  const cut = (line: string): string | null => {
    if (mode !== 'f') return [...line].filter((_, i) => selected(i + 1)).join(outDelim);
    if (!line.includes(delim)) return opts.has('s') ? null : line;
    return line.split(delim).filter((_, i) => selected(i + 1)).join(outDelim);
  };
  let status = 0;
  for (const file of opts.operands.length ? opts.operands : ['-']) {
    try {
      eachLine(file, (raw) => {
        const result = cut(raw.endsWith('\n') ? raw.slice(0, -1) : raw);
        if (result !== null) stdout.write(result + '\n');
      });
    } catch (error) {
      status = fail('cut', file, error);
    }
  }
  return status;
}
