/** sort: sort lines of text (byte order; -n numeric, -r reverse, -u unique, -k key fields, -t separator). */
import { stdout, writeFile } from '../../libc/index.ts';
import { fail, parseArgs, usageError, type Spec } from '../lib/args.ts';
import { readInputText, splitLines } from './_io.ts';

const SPEC: Spec = {
  name: 'sort',
  usage: '[OPTION]... [FILE]...',
  about: 'Write the sorted concatenation of all FILE(s) (standard input when none, or for -) to standard output.',
  options: [
    ['-n, --numeric-sort', 'compare according to string numerical value'],
    ['-h, --human-numeric-sort', 'compare human readable numbers (e.g., 2K 1G)'],
    ['-r, --reverse', 'reverse the result of comparisons'],
    ['-u, --unique', 'output only the first of lines that compare equal'],
    ['-f, --ignore-case', 'fold lower case to upper case characters'],
    ['-k, --key KEYDEF', 'sort via a key: FIELD[,FIELD] (1-based; may repeat)'],
    ['-t, --field-separator SEP', 'use SEP instead of non-blank to blank transition'],
    ['-s, --stable', 'disable last-resort comparison'],
    ['-o, --output FILE', 'write result to FILE instead of standard output'],
  ],
};

interface Key {
  start: number;
  end: number;
  /** The key's own ordering letters (n, r, f); none means the global options apply. */
  flags: string;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The value of a size like 1.5K or 2G (powers of 1024), as sort -h orders them. */
function human(text: string): number {
  const match = /^\s*(-?\d*\.?\d+)([KMGTPE]?)/i.exec(text);
  return match ? Number(match[1]) * 1024 ** ' KMGTPE'.indexOf(match[2]!.toUpperCase() || ' ') : 0;
}

function numeric(text: string): number {
  const match = /^\s*(-?\d*\.?\d+|-?\d+)/.exec(text);
  return match ? Number(match[1]) : 0;
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const keys: Key[] = [];
  for (const def of opts.all('k')) {
    const match = /^(\d+)(?:\.\d+)?([bnrfh]*)(?:,(\d+)(?:\.\d+)?([bnrfh]*))?$/.exec(def);
    if (!match || Number(match[1]) === 0) return usageError(SPEC, `invalid key: '${def}'`);
    keys.push({ start: Number(match[1]), end: match[3] === undefined ? Infinity : Number(match[3]), flags: match[2]! + (match[4] ?? '') });
  }
  const sep = opts.get('t');
  if (sep !== undefined && sep.length !== 1) return usageError(SPEC, 'the field separator must be a single character');
  const files = opts.operands.length ? opts.operands : ['-'];
  const lines: string[] = [];
  for (const file of files) {
    try {
      for (const line of splitLines(readInputText(file))) lines.push(line);
    } catch (error) {
      fail('sort', `cannot read: ${file}`, error);
      return 2;
    }
  }
  const fields = (line: string): string[] => (sep !== undefined ? line.split(sep) : line.match(/\s*\S+/g) ?? []);
  const keyOf = (line: string, key: Key): string => {
    const parts = fields(line).slice(key.start - 1, key.end === Infinity ? undefined : key.end);
    return sep !== undefined ? parts.join(sep) : parts.join('').trimStart();
  };
  const globalFlags = ['n', 'h', 'r', 'f'].filter((f) => opts.has(f)).join('');
  const compareKey = (a: string, b: string, flags: string): number => {
    const result = flags.includes('n') ? numeric(a) - numeric(b) : flags.includes('h') ? human(a) - human(b)
      : flags.includes('f') ? compareText(a.toUpperCase(), b.toUpperCase()) : compareText(a, b);
    return flags.includes('r') ? -result : result;
  };
  const compare = (a: string, b: string): number => {
    for (const key of keys.length ? keys : [null]) {
      const flags = key?.flags.replace('b', '') || globalFlags;
      const result = key ? compareKey(keyOf(a, key), keyOf(b, key), flags) : compareKey(a, b, flags);
      if (result !== 0) return result;
    }
    if (opts.has('u') || opts.has('s')) return 0;
    return opts.has('r') ? compareText(b, a) : compareText(a, b);
  };
  lines.sort(compare);
  const out = opts.has('u') ? lines.filter((line, i) => i === 0 || compare(lines[i - 1]!, line) !== 0) : lines;
  const text = out.map((l) => l + '\n').join('');
  if (opts.has('o')) {
    try {
      writeFile(opts.get('o')!, text);
    } catch (error) {
      fail('sort', `open failed: ${opts.get('o')}`, error);
      return 2;
    }
  } else stdout.write(text);
  return 0;
}
