/** uname: print system information, from /scheme/sys/uname. */
import { readTextFile, stdout } from '../../libc/index.ts';
import { fail, parseArgs, type Spec } from '../lib/args.ts';

const SPEC: Spec = {
  name: 'uname',
  usage: '[OPTION]...',
  about: 'Print certain system information. With no OPTION, same as -s.',
  options: [
    ['-a, --all', 'print all information, in the order below'],
    ['-s, --kernel-name', 'print the kernel name'],
    ['-n, --nodename', 'print the network node hostname'],
    ['-r, --kernel-release', 'print the kernel release'],
    ['-v, --kernel-version', 'print the kernel version'],
    ['-m, --machine', 'print the machine hardware name'],
    ['-o, --operating-system', 'print the operating system'],
  ],
};

/** The fields of /scheme/sys/uname, one per line, in this order. */
const FIELDS = ['s', 'n', 'r', 'v', 'm'];

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  let lines: string[];
  try {
    lines = readTextFile('/scheme/sys/uname').split('\n');
  } catch (error) {
    return fail('uname', '/scheme/sys/uname', error);
  }
  const values = [...FIELDS.map((_, i) => lines[i] ?? 'unknown'), 'Redox'];
  const wanted = [...FIELDS, 'o'].map((f) => opts.has('a') || opts.has(f));
  if (!wanted.some(Boolean)) wanted[0] = true;
  stdout.write(values.filter((_, i) => wanted[i]).join(' ') + '\n');
  return 0;
}
