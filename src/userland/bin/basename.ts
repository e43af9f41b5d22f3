/** basename: strip the directory (and optionally a suffix) from file names. */
import { stdout } from '../../libc/index.ts';
import { parseArgs, usageError, type Spec } from '../lib/args.ts';
import { baseName } from './_io.ts';

const SPEC: Spec = {
  name: 'basename',
  usage: 'NAME [SUFFIX] | -a [-s SUFFIX] NAME...',
  about: 'Print NAME with any leading directory components removed, and a trailing SUFFIX if given.',
  options: [
    ['-a, --multiple', 'support multiple arguments and treat each as a NAME'],
    ['-s, --suffix SUFFIX', 'remove a trailing SUFFIX; implies -a'],
  ],
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const names = opts.operands;
  if (names.length === 0) return usageError(SPEC, 'missing operand');
  const multiple = opts.has('a') || opts.has('s');
  if (!multiple && names.length > 2) return usageError(SPEC, `extra operand '${names[2]}'`);
  const suffix = opts.get('s') ?? (multiple ? '' : names[1] ?? '');
  for (const name of multiple ? names : [names[0]!]) {
    let base = baseName(name);
    if (suffix && base !== suffix && base.endsWith(suffix)) base = base.slice(0, -suffix.length);
    stdout.write(base + '\n');
  }
  return 0;
}
