/** mktemp: create a uniquely named temporary file or directory and print its name. */
import { Errno, O_CREAT, O_EXCL, O_WRONLY, SysError, close, environ, mkdir, open, stdout } from '../../libc/index.ts';
import { fail, parseArgs, usageError, type Spec } from '../lib/args.ts';
import { joinPath } from './_io.ts';

const SPEC: Spec = {
  name: 'mktemp',
  usage: '[OPTION]... [TEMPLATE]',
  about: 'Create a temporary file (or directory) from TEMPLATE, whose trailing Xs (at least 3) are replaced; default tmp.XXXXXXXXXX in $TMPDIR or /tmp.',
  options: [
    ['-d, --directory', 'create a directory, not a file'],
    ['-u, --dry-run', 'do not create anything; merely print a name (unsafe)'],
    ['-p, --tmpdir DIR', 'interpret TEMPLATE relative to DIR'],
    ['-t', 'interpret TEMPLATE relative to $TMPDIR or /tmp'],
  ],
};

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  if (opts.operands.length > 1) return usageError(SPEC, 'too many templates');
  const template = opts.operands[0] ?? 'tmp.XXXXXXXXXX';
  const xs = /X*$/.exec(template)![0].length;
  if (xs < 3) return usageError(SPEC, `too few X's in template '${template}'`);
  const dir = opts.get('p') ?? (opts.has('t') || opts.operands.length === 0 ? environ.TMPDIR || '/tmp' : undefined);
  const base = dir !== undefined ? joinPath(dir, template) : template;
  for (let attempt = 0; attempt < 100; attempt++) {
    const random = Array.from({ length: xs }, () => LETTERS[Math.floor(Math.random() * LETTERS.length)]).join('');
    const path = base.slice(0, base.length - xs) + random;
    try {
      if (opts.has('d') && !opts.has('u')) mkdir(path, 0o700);
      else if (!opts.has('u')) close(open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600));
      stdout.write(path + '\n');
      return 0;
    } catch (error) {
      if (!(error instanceof SysError && error.errno === Errno.EEXIST)) return fail('mktemp', `failed to create ${opts.has('d') ? 'directory' : 'file'} via template '${base}'`, error);
    }
  }
  return fail('mktemp', `failed to create a unique name from template '${base}'`, null);
}
