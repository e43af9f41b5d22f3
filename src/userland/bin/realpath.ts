/** realpath: print the resolved absolute path of each file. */
import { stat, stdout } from '../../libc/index.ts';
import { fail, parseArgs, usageError, type Spec } from '../lib/args.ts';
import { canonicalPath } from './_io.ts';

const SPEC: Spec = {
  name: 'realpath',
  usage: '[OPTION]... FILE...',
  about: 'Print the absolute path of each FILE with every symlink, . and .. resolved; all but the last component must exist.',
  options: [
    ['-e, --canonicalize-existing', 'all components of the path must exist'],
    ['-m, --canonicalize-missing', 'no path components need exist'],
  ],
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  if (opts.operands.length === 0) return usageError(SPEC, 'missing operand');
  let status = 0;
  for (const path of opts.operands) {
    try {
      const resolved = canonicalPath(path);
      if (opts.has('e')) stat(resolved);
      stdout.write(resolved + '\n');
    } catch (error) {
      if (opts.has('m')) stdout.write(path + '\n');
      else status = fail('realpath', path, error);
    }
  }
  return status;
}
