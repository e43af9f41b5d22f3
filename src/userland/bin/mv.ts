/** mv: move (rename) files; across schemes it copies and then removes the source. */
import { Errno, SysError, isDirectory, lstat, readdir, rename, rmdir, stdout, unlink } from '../../libc/index.ts';
import { fail, parseArgs, type Spec } from '../lib/args.ts';
import { joinPath } from './_io.ts';
import { Copier, sourceTargetPairs } from './_copy.ts';

const SPEC: Spec = {
  name: 'mv',
  usage: '[OPTION]... SOURCE DEST | SOURCE... DIRECTORY',
  about: 'Rename SOURCE to DEST, or move SOURCE(s) to DIRECTORY.',
  options: [
    ['-f, --force', 'do not prompt before overwriting (the default)'],
    ['-n, --no-clobber', 'do not overwrite an existing file'],
    ['-v, --verbose', 'explain what is being done'],
  ],
};

function removeTree(path: string): void {
  if (isDirectory(lstat(path))) {
    for (const d of readdir(path)) if (d.name !== '.' && d.name !== '..') removeTree(joinPath(path, d.name));
    rmdir(path);
  } else unlink(path);
}

function move(source: string, target: string): number {
  try {
    lstat(source);
  } catch (error) {
    return fail('mv', `cannot stat '${source}'`, error);
  }
  try {
    rename(source, target);
    return 0;
  } catch (error) {
    if (!(error instanceof SysError && error.errno === Errno.EXDEV)) return fail('mv', `cannot move '${source}' to '${target}'`, error);
  }
  const copier = new Copier({ name: 'mv', recursive: true, preserve: true });
  if (!copier.copy(source, target)) return 1;
  try {
    removeTree(source);
    return 0;
  } catch (error) {
    return fail('mv', `cannot remove '${source}'`, error);
  }
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const pairs = sourceTargetPairs(SPEC, opts.operands);
  if (typeof pairs === 'number') return pairs;
  let status = 0;
  for (const [source, target] of pairs) {
    if (opts.has('n')) {
      try {
        lstat(target);
        continue;
      } catch {
        // Not there: go ahead.
      }
    }
    const result = move(source, target);
    if (result === 0 && opts.has('v')) stdout.write(`renamed '${source}' -> '${target}'\n`);
    status ||= result;
  }
  return status;
}
