/** nl: number the lines of files. */
import { stdout } from '../../libc/index.ts';
import { fail, parseArgs, parseCount, usageError, type Spec } from '../lib/args.ts';
import { eachLine } from './_io.ts';

const SPEC: Spec = {
  name: 'nl',
  usage: '[OPTION]... [FILE]...',
  about: 'Write each FILE (standard input when none, or for -) to standard output with line numbers added.',
  options: [
    ['-b, --body-numbering STYLE', "a: number all lines, t: only nonempty lines (default), n: none"],
    ['-w, --number-width NUMBER', 'use NUMBER columns for line numbers (default 6)'],
    ['-s, --number-separator STRING', 'add STRING after the line number (default TAB)'],
    ['-v, --starting-line-number NUMBER', 'first line number (default 1)'],
  ],
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const style = opts.get('b', 't')!;
  const width = parseCount(opts.get('w', '6'));
  let n = parseCount(opts.get('v', '1'));
  if (!['a', 't', 'n'].includes(style)) return usageError(SPEC, `invalid line numbering style: '${style}'`);
  if (width === null || n === null) return usageError(SPEC, 'invalid number');
  const separator = opts.get('s', '\t')!;
  let status = 0;
  for (const file of opts.operands.length ? opts.operands : ['-']) {
    try {
      eachLine(file, (line) => {
        const numbered = style === 'a' || (style === 't' && line !== '\n');
        stdout.write(numbered ? `${String(n!++).padStart(width)}${separator}${line}` : `${' '.repeat(width + separator.length)}${line}`);
      });
    } catch (error) {
      status = fail('nl', file, error);
    }
  }
  return status;
}
