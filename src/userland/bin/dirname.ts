/** dirname: strip the last component from file names. */
import { stdout } from '../../libc/index.ts';
import { parseArgs, usageError, type Spec } from '../lib/args.ts';
import { dirName } from './_io.ts';

const SPEC: Spec = {
  name: 'dirname',
  usage: 'NAME...',
  about: "Print each NAME with its last non-slash component and trailing slashes removed ('.' if none).",
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  if (opts.operands.length === 0) return usageError(SPEC, 'missing operand');
  for (const name of opts.operands) stdout.write(dirName(name) + '\n');
  return 0;
}
