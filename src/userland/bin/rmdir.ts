/** rmdir: remove empty directories. */
import { rmdir } from '../../libc/index.ts';
import { fail, parseArgs, usageError, type Spec } from '../lib/args.ts';
import { dirName } from './_io.ts';

const SPEC: Spec = {
  name: 'rmdir',
  usage: '[OPTION]... DIRECTORY...',
  about: 'Remove the DIRECTORY(ies), if they are empty.',
  options: [['-p, --parents', "remove DIRECTORY and its ancestors; e.g. 'rmdir -p a/b' is like 'rmdir a/b a'"]],
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  if (opts.operands.length === 0) return usageError(SPEC, 'missing operand');
  let status = 0;
  for (const dir of opts.operands) {
    let path = dir;
    for (;;) {
      try {
        rmdir(path);
      } catch (error) {
        status = fail('rmdir', `failed to remove '${path}'`, error);
        break;
      }
      const parent = dirName(path);
      if (!opts.has('p') || parent === path || parent === '.' || parent === '/') break;
      path = parent;
    }
  }
  return status;
}
