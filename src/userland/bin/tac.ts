/** tac: concatenate and print files with their lines in reverse order. */
import { stdout } from '../../libc/index.ts';
import { fail, parseArgs, type Spec } from '../lib/args.ts';
import { readInputText, splitLines } from './_io.ts';

const SPEC: Spec = {
  name: 'tac',
  usage: '[FILE]...',
  about: 'Write each FILE (standard input when none, or for -) to standard output, last line first.',
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  let status = 0;
  for (const file of opts.operands.length ? opts.operands : ['-']) {
    try {
      const lines = splitLines(readInputText(file));
      stdout.write(lines.reverse().map((l) => l + '\n').join(''));
    } catch (error) {
      status = fail('tac', file, error);
    }
  }
  return status;
}
