/** yes: print a line (the arguments, or `y`) over and over until the reader goes away. */
import { Errno, SysError, write } from '../../libc/index.ts';
import { parseArgs, type Spec } from '../lib/args.ts';

const SPEC: Spec = {
  name: 'yes',
  usage: '[STRING]...',
  about: 'Repeatedly output a line with all specified STRING(s), or y.',
  stopAtOperand: true,
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const line = (opts.operands.length ? opts.operands.join(' ') : 'y') + '\n';
  // Fill a block with whole lines so each write carries many of them.
  const block = new TextEncoder().encode(line.repeat(Math.max(1, Math.floor(16384 / line.length))));
  try {
    for (;;) write(1, block);
  } catch (error) {
    if (error instanceof SysError && error.errno === Errno.EPIPE) return 0;
    throw error;
  }
}
