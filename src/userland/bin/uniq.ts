/** uniq: report or omit repeated adjacent lines. */
import { O_CREAT, O_TRUNC, O_WRONLY, close, open, write } from '../../libc/index.ts';
import { fail, parseArgs, usageError, type Spec } from '../lib/args.ts';
import { readInputText, splitLines } from './_io.ts';

const SPEC: Spec = {
  name: 'uniq',
  usage: '[OPTION]... [INPUT [OUTPUT]]',
  about: 'Filter adjacent matching lines from INPUT (or standard input), writing to OUTPUT (or standard output).',
  options: [
    ['-c, --count', 'prefix lines by the number of occurrences'],
    ['-d, --repeated', 'only print duplicate lines, one for each group'],
    ['-u, --unique', 'only print unique lines'],
    ['-i, --ignore-case', 'ignore differences in case when comparing'],
  ],
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  if (opts.operands.length > 2) return usageError(SPEC, `extra operand '${opts.operands[2]}'`);
  const [input = '-', output] = opts.operands;
  let lines: string[];
  try {
    lines = splitLines(readInputText(input));
  } catch (error) {
    return fail('uniq', input, error);
  }
  const same = (a: string, b: string): boolean => (opts.has('i') ? a.toLowerCase() === b.toLowerCase() : a === b);
  let out = '';
  for (let i = 0; i < lines.length; ) {
    let j = i + 1;
    while (j < lines.length && same(lines[i]!, lines[j]!)) j++;
    const count = j - i;
    if ((!opts.has('d') || count > 1) && (!opts.has('u') || count === 1)) {
      out += (opts.has('c') ? `${String(count).padStart(7)} ` : '') + lines[i] + '\n';
    }
    i = j;
  }
  try {
    const fd = output === undefined ? 1 : open(output, O_WRONLY | O_CREAT | O_TRUNC, 0o644);
    write(fd, out);
    if (fd !== 1) close(fd);
  } catch (error) {
    return fail('uniq', output ?? 'standard output', error);
  }
  return 0;
}
