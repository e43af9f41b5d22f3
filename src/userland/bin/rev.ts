/** rev: reverse the characters of each line. */
import { stdout } from '../../libc/index.ts';
import { fail, parseArgs, type Spec } from '../lib/args.ts';
import { eachLine } from './_io.ts';

const SPEC: Spec = { name: 'rev', usage: '[FILE]...', about: 'Copy each FILE (standard input when none) to standard output, reversing the characters of every line.' };

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  let status = 0;
  for (const file of opts.operands.length ? opts.operands : ['-']) {
    try {
      eachLine(file, (line) => {
        const ended = line.endsWith('\n');
        stdout.write([...(ended ? line.slice(0, -1) : line)].reverse().join('') + (ended ? '\n' : ''));
      });
    } catch (error) {
      status = fail('rev', file, error);
    }
  }
  return status;
}
