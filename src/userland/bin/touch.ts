/**
 * touch: create files that do not exist. Existing files are opened for writing and left as they
 * are: there is no utimens syscall yet to set their times.
 */
import { O_CREAT, O_WRONLY, close, isErrno, open } from '../../libc/index.ts';
import { fail, parseArgs, usageError, type Spec } from '../lib/args.ts';

const SPEC: Spec = {
  name: 'touch',
  usage: '[OPTION]... FILE...',
  about: 'Create each FILE that does not exist, empty.',
  options: [['-c, --no-create', 'do not create any files']],
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  if (opts.operands.length === 0) return usageError(SPEC, 'missing file operand');
  let status = 0;
  for (const path of opts.operands) {
    try {
      close(open(path, O_WRONLY | (opts.has('c') ? 0 : O_CREAT), 0o644));
    } catch (error) {
      if (opts.has('c') && isErrno(error, 'ENOENT')) continue;
      status = fail('touch', `cannot touch '${path}'`, error);
    }
  }
  return status;
}
