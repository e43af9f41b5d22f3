/** cmp: compare two files byte by byte. */
import { readAll, stdout } from '../../libc/index.ts';
import { fail, parseArgs, usageError, type Spec } from '../lib/args.ts';
import { closeInput, openInput } from './_io.ts';

const SPEC: Spec = {
  name: 'cmp',
  usage: '[OPTION]... FILE1 [FILE2]',
  about: 'Compare two files byte by byte (FILE2 defaults to standard input). Status 0 if the same, 1 if different, 2 on trouble.',
  options: [
    ['-s, --silent', 'suppress all normal output'],
    ['-l, --verbose', 'output byte numbers and differing byte values (octal)'],
  ],
};

function load(path: string): Uint8Array {
  const fd = openInput(path);
  try {
    return readAll(fd);
  } finally {
    closeInput(fd);
  }
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const [left, right = '-', extra] = opts.operands;
  if (left === undefined) return usageError(SPEC, 'missing operand');
  if (extra !== undefined) return usageError(SPEC, `extra operand '${extra}'`);
  const data: Uint8Array[] = [];
  for (const path of [left, right]) {
    try {
      data.push(load(path));
    } catch (error) {
      fail('cmp', path, error);
      return 2;
    }
  }
  const [a, b] = data as [Uint8Array, Uint8Array];
  const common = Math.min(a.length, b.length);
  let differ = false;
  let line = 1;
  for (let i = 0; i < common; i++) {
    if (a[i] !== b[i]) {
      differ = true;
      if (opts.has('s')) return 1;
      if (!opts.has('l')) {
        stdout.write(`${left} ${right} differ: char ${i + 1}, line ${line}\n`);
        return 1;
      }
      stdout.write(`${i + 1} ${a[i]!.toString(8).padStart(3)} ${b[i]!.toString(8).padStart(3)}\n`);
    }
    if (a[i] === 0x0a) line++;
  }
  if (a.length !== b.length) {
    if (!opts.has('s')) {
      const [shorter, n] = a.length < b.length ? [left, a.length] : [right, b.length];
      fail('cmp', n ? `EOF on ${shorter} after byte ${n}, in line ${line - (a[n - 1] === 0x0a ? 1 : 0)}` : `EOF on ${shorter} which is empty`, null);
    }
    return 1;
  }
  return differ ? 1 : 0;
}
