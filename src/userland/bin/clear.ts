/** clear: clear the terminal screen (and its scrollback). */
import { stdout } from '../../libc/index.ts';
import { parseArgs, type Spec } from '../lib/args.ts';

const SPEC: Spec = {
  name: 'clear',
  usage: '[-x]',
  about: 'Clear the terminal screen.',
  options: [['-x', 'do not try to clear the scrollback']],
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  stdout.write('\x1b[H\x1b[2J' + (opts.has('x') ? '' : '\x1b[3J'));
  return 0;
}
