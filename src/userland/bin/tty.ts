/** tty: print the name of the terminal on standard input. */
import { fpath, isatty, stdout } from '../../libc/index.ts';
import { parseArgs, type Spec } from '../lib/args.ts';

const SPEC: Spec = {
  name: 'tty',
  usage: '[OPTION]...',
  about: 'Print the file name of the terminal connected to standard input. Status 1 if it is not a terminal.',
  options: [['-s, --silent', 'print nothing, only return an exit status']],
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const terminal = isatty(0);
  if (!opts.has('s')) stdout.write((terminal ? fpath(0) : 'not a tty') + '\n');
  return terminal ? 0 : 1;
}
