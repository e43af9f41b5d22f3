/** rm: remove files (and, with -r, directories and their contents). */
import { Errno, SysError, isDirectory, lstat, readdir, rmdir, unlink, eprint } from '../../libc/index.ts';
import { fail, parseArgs, usageError, type Spec } from '../lib/args.ts';
import { baseName, joinPath } from './_io.ts';

const SPEC: Spec = {
  name: 'rm',
  usage: '[OPTION]... [FILE]...',
  about: 'Remove (unlink) the FILE(s).',
  options: [
    ['-f, --force', 'ignore nonexistent files and arguments, never prompt'],
    ['-r, --recursive', 'remove directories and their contents recursively'],
    ['-R', 'same as -r'],
    ['-d, --dir', 'remove empty directories'],
    ['-v, --verbose', 'explain what is being done'],
  ],
};

class Remover {
  status = 0;
  constructor(readonly force: boolean, readonly recursive: boolean, readonly dirs: boolean, readonly verbose: boolean) {}

  private failed(message: string, error: unknown): false {
    if (this.force && error instanceof SysError && error.errno === Errno.ENOENT) return false;
    this.status = fail('rm', message, error);
    return false;
  }

  /** Removes `path`; true when it is gone. */
  remove(path: string): boolean {
    let st;
    try {
      st = lstat(path);
    } catch (error) {
      return this.failed(`cannot remove '${path}'`, error);
    }
    if (!isDirectory(st)) return this.done(path, () => unlink(path), `cannot remove '${path}'`);
    if (!this.recursive && !this.dirs) {
      eprint(`rm: cannot remove '${path}': Is a directory`);
      this.status = 1;
      return false;
    }
    if (this.recursive) {
      let names: string[];
      try {
        names = readdir(path).map((d) => d.name).filter((n) => n !== '.' && n !== '..');
      } catch (error) {
        return this.failed(`cannot remove '${path}'`, error);
      }
      let all = true;
      for (const name of names) all = this.remove(joinPath(path, name)) && all;
      if (!all) return false;
    }
    return this.done(path, () => rmdir(path), `cannot remove '${path}'`, 'directory ');
  }

  private done(path: string, action: () => void, message: string, kind = ''): boolean {
    try {
      action();
    } catch (error) {
      return this.failed(message, error);
    }
    if (this.verbose) eprint(`removed ${kind}'${path}'`);
    return true;
  }
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  if (opts.operands.length === 0) return opts.has('f') ? 0 : usageError(SPEC, 'missing operand');
  const remover = new Remover(opts.has('f'), opts.has('r') || opts.has('R'), opts.has('d'), opts.has('v'));
  for (const path of opts.operands) {
    const base = baseName(path);
    if (base === '.' || base === '..' || base === '/') {
      eprint(`rm: refusing to remove '.' or '..' or '/' directory: skipping '${path}'`);
      remover.status = 1;
      continue;
    }
    remover.remove(path);
  }
  return remover.status;
}
