/** pwd: print the name of the current working directory. */
import { getcwd, stdout } from '../../libc/index.ts';
import { fail, parseArgs, type Spec } from '../lib/args.ts';

const SPEC: Spec = {
  name: 'pwd',
  usage: '[OPTION]...',
  about: 'Print the full filename of the current working directory.',
  options: [
    ['-L, --logical', 'use PWD from environment (the same path here: the kernel keeps it)'],
    ['-P, --physical', 'the path the kernel keeps for the process (the default)'],
  ],
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  try {
    stdout.write(getcwd() + '\n');
    return 0;
  } catch (error) {
    return fail('pwd', 'error retrieving current directory', error);
  }
}
