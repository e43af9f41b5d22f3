/** du: estimate file space usage (from st_blocks), in KiB or human units. */
import { type Stat, isDirectory, lstat, readdir, stdout } from '../../libc/index.ts';
import { fail, parseArgs, parseCount, usageError, type Spec } from '../lib/args.ts';
import { humanSize } from './_format.ts';
import { joinPath } from './_io.ts';

const SPEC: Spec = {
  name: 'du',
  usage: '[OPTION]... [FILE]...',
  about: 'Summarize disk usage of each FILE (default .), recursively for directories, in 1K blocks.',
  options: [
    ['-a, --all', 'write counts for all files, not just directories'],
    ['-s, --summarize', 'display only a total for each argument'],
    ['-c, --total', 'produce a grand total'],
    ['-h, --human-readable', 'print sizes in human readable format (e.g., 1K 234M 2G)'],
    ['-b, --bytes', 'print apparent sizes in bytes'],
    ['-d, --max-depth N', 'print the total for a directory only if it is N or fewer levels below the argument'],
  ],
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const maxDepth = opts.has('s') ? 0 : opts.has('d') ? parseCount(opts.get('d')) : Infinity;
  if (maxDepth === null) return usageError(SPEC, `invalid maximum depth '${opts.get('d')}'`);
  const usage = (st: Stat): number => (opts.has('b') ? st.size : st.blocks ? st.blocks * 512 : st.size);
  const show = (bytes: number, path: string): void => {
    const text = opts.has('h') ? humanSize(bytes) : opts.has('b') ? String(bytes) : String(Math.ceil(bytes / 1024));
    stdout.write(`${text}\t${path}\n`);
  };
  let status = 0;
  const walk = (path: string, depth: number): number => {
    let st: Stat;
    try {
      st = lstat(path);
    } catch (error) {
      status = fail('du', `cannot access '${path}'`, error);
      return 0;
    }
    let total = usage(st);
    if (isDirectory(st)) {
      try {
        for (const d of readdir(path)) if (d.name !== '.' && d.name !== '..') total += walk(joinPath(path, d.name), depth + 1);
      } catch (error) {
        status = fail('du', `cannot read directory '${path}'`, error);
      }
    }
    if (depth <= maxDepth && (isDirectory(st) || depth === 0 || (opts.has('a') && !opts.has('s')))) show(total, path);
    return total;
  };
  let grand = 0;
  for (const path of opts.operands.length ? opts.operands : ['.']) grand += walk(path, 0);
  if (opts.has('c')) show(grand, 'total');
  return status;
}
