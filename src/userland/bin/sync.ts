/** sync: make everything written so far durable: fsync the filesystem holding each FILE (default /). */
import { O_RDONLY, O_STAT, close, fsync, open } from '../../libc/index.ts';
import { fail, parseArgs, type Spec } from '../lib/args.ts';

const SPEC: Spec = { name: 'sync', usage: '[FILE]...', about: 'Commit all written data of the filesystem holding each FILE (default /) to its disk.' };

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  let status = 0;
  for (const path of opts.operands.length ? opts.operands : ['/']) {
    try {
      const fd = open(path, O_RDONLY | O_STAT);
      try {
        fsync(fd);
      } finally {
        close(fd);
      }
    } catch (error) {
      status = fail('sync', path, error);
    }
  }
  return status;
}
