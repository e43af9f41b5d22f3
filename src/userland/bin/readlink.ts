/** readlink: print the target of symbolic links (or, with -f, the canonical path). */
import { readlink, stdout } from '../../libc/index.ts';
import { parseArgs, reason, usageError, type Spec } from '../lib/args.ts';
import { canonicalPath } from './_io.ts';

const SPEC: Spec = {
  name: 'readlink',
  usage: '[OPTION]... FILE...',
  about: 'Print the value of each symbolic link FILE.',
  options: [
    ['-f, --canonicalize', 'follow every symlink in every component; print the absolute path'],
    ['-n, --no-newline', 'do not output the trailing newline'],
  ],
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  if (opts.operands.length === 0) return usageError(SPEC, 'missing operand');
  let status = 0;
  for (const path of opts.operands) {
    try {
      const text = opts.has('f') ? canonicalPath(path) : readlink(path);
      stdout.write(opts.has('n') ? text : text + '\n');
    } catch (error) {
      // As GNU readlink does without -v: no message, just a failing status.
      reason(error);
      status = 1;
    }
  }
  return status;
}
