/** whoami: print the user name of the effective user id. */
import { geteuid, stdout } from '../../libc/index.ts';
import { parseArgs, usageError, type Spec } from '../lib/args.ts';
import { userName } from './_system.ts';

const SPEC: Spec = { name: 'whoami', usage: '', about: 'Print the user name of the current effective user ID.' };

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  if (opts.operands.length) return usageError(SPEC, `extra operand '${opts.operands[0]}'`);
  stdout.write(userName(geteuid()) + '\n');
  return 0;
}
