/** dmesg: print the kernel log, from /scheme/sys/log. */
import { readTextFile, stdout } from '../../libc/index.ts';
import { fail, parseArgs, type Spec } from '../lib/args.ts';

const SPEC: Spec = { name: 'dmesg', usage: '', about: 'Print the kernel message buffer.' };

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  try {
    stdout.write(readTextFile('/scheme/sys/log'));
    return 0;
  } catch (error) {
    return fail('dmesg', '/scheme/sys/log', error);
  }
}
