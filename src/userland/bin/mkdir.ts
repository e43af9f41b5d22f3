/** mkdir: make directories. */
import { Errno, SysError, mkdir, stdout } from '../../libc/index.ts';
import { fail, parseArgs, usageError, type Spec } from '../lib/args.ts';
import { isDirPath } from './_io.ts';

const SPEC: Spec = {
  name: 'mkdir',
  usage: '[OPTION]... DIRECTORY...',
  about: 'Create the DIRECTORY(ies), if they do not already exist.',
  options: [
    ['-p, --parents', 'no error if existing, make parent directories as needed'],
    ['-m, --mode MODE', 'set file mode (octal), not a=rwx - umask'],
    ['-v, --verbose', 'print a message for each created directory'],
  ],
};

/** Creates `path` and any missing parents (an existing directory is fine); gives the path that failed, or null. */
function makeParents(path: string, mode: number, created: (p: string) => void): { at: string; error: unknown } | null {
  const parts = path.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('/');
    if (prefix === '' || parts[i - 1] === '') continue;
    try {
      mkdir(prefix, mode);
      created(prefix);
    } catch (error) {
      if (error instanceof SysError && error.errno === Errno.EEXIST && isDirPath(prefix)) continue;
      return { at: prefix, error };
    }
  }
  return null;
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  if (opts.operands.length === 0) return usageError(SPEC, 'missing operand');
  const modeText = opts.get('m', '755')!;
  if (!/^[0-7]{1,4}$/.test(modeText)) return usageError(SPEC, `invalid mode '${modeText}'`);
  const mode = parseInt(modeText, 8);
  const report = (p: string): void => {
    if (opts.has('v')) stdout.write(`mkdir: created directory '${p}'\n`);
  };
  let status = 0;
  for (const dir of opts.operands) {
    if (opts.has('p')) {
      const failed = makeParents(dir, mode, report);
      if (failed) status = fail('mkdir', `cannot create directory '${failed.at}'`, failed.error);
      continue;
    }
    try {
      mkdir(dir, mode);
      report(dir);
    } catch (error) {
      status = fail('mkdir', `cannot create directory '${dir}'`, error);
    }
  }
  return status;
}
