/** readlink: print the target of symbolic links (or, with -f, the canonical path). */
import { Errno, SysError, getcwd, isSymlink, lstat, readlink, stdout } from '../../libc/index.ts';
import { parseArgs, reason, usageError, type Spec } from '../lib/args.ts';

const SPEC: Spec = {
  name: 'readlink',
  usage: '[OPTION]... FILE...',
  about: 'Print the value of each symbolic link FILE.',
  options: [
    ['-f, --canonicalize', 'follow every symlink in every component; print the absolute path'],
    ['-n, --no-newline', 'do not output the trailing newline'],
  ],
};

/** Resolves `path` to an absolute path with no `.`, `..` or symlink components. */
function canonical(path: string, depth = 0): string {
  if (depth > 40) throw new SysError(Errno.ELOOP);
  const parts = (path.startsWith('/') ? path : `${getcwd()}/${path}`).split('/').filter((p) => p && p !== '.');
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part === '..') {
      out = out.slice(0, out.lastIndexOf('/'));
      continue;
    }
    const next = `${out}/${part}`;
    let isLink = false;
    try {
      isLink = isSymlink(lstat(next));
    } catch (error) {
      if (i !== parts.length - 1) throw error;
    }
    if (!isLink) {
      out = next;
      continue;
    }
    const target = readlink(next);
    const rest = parts.slice(i + 1).join('/');
    return canonical(`${target.startsWith('/') ? target : `${out || '/'}/${target}`}${rest ? `/${rest}` : ''}`, depth + 1);
  }
  return out || '/';
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  if (opts.operands.length === 0) return usageError(SPEC, 'missing operand');
  let status = 0;
  for (const path of opts.operands) {
    try {
      const text = opts.has('f') ? canonical(path) : readlink(path);
      stdout.write(opts.has('n') ? text : text + '\n');
    } catch (error) {
      // As GNU readlink does without -v: no message, just a failing status.
      reason(error);
      status = 1;
    }
  }
  return status;
}
