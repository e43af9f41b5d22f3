/** paste: merge lines of files side by side (or, with -s, each file's lines into one). */
import { stdout } from '../../libc/index.ts';
import { fail, parseArgs, type Spec } from '../lib/args.ts';
import { readInputText, splitLines } from './_io.ts';

const SPEC: Spec = {
  name: 'paste',
  usage: '[OPTION]... [FILE]...',
  about: 'Write lines made of the corresponding lines of each FILE (standard input for - or none), separated by TABs.',
  options: [
    ['-d, --delimiters LIST', 'reuse characters from LIST instead of TABs (\\n, \\t, \\\\, \\0 escapes)'],
    ['-s, --serial', 'paste one file at a time instead of in parallel'],
  ],
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const delims = [...opts.get('d', '\t')!.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', '0': '\0' })[c] ?? c)];
  const join = (cells: string[]): string => cells.map((c, i) => (i ? (delims[(i - 1) % delims.length] ?? '').replace('\0', '') : '') + c).join('');
  const files: string[][] = [];
  let status = 0;
  let stdinText: string | null = null;
  for (const file of opts.operands.length ? opts.operands : ['-']) {
    try {
      // Several `-` operands share standard input, one line each in turn.
      if (file === '-') stdinText ??= readInputText('-');
      files.push(splitLines(file === '-' ? stdinText! : readInputText(file)));
    } catch (error) {
      status = fail('paste', file, error);
    }
  }
  if (opts.has('s')) {
    for (const lines of files) stdout.write(join(lines) + '\n');
    return status;
  }
  const rows = Math.max(0, ...files.map((f) => f.length));
  for (let r = 0; r < rows; r++) stdout.write(join(files.map((f) => f[r] ?? '')) + '\n');
  return status;
}
