/** comm: compare two sorted files line by line, in three columns. */
import { stdout } from '../../libc/index.ts';
import { fail, parseArgs, usageError, type Spec } from '../lib/args.ts';
import { readInputText, splitLines } from './_io.ts';

const SPEC: Spec = {
  name: 'comm',
  usage: '[OPTION]... FILE1 FILE2',
  about: 'Compare sorted files FILE1 and FILE2: column 1 lines only in FILE1, column 2 only in FILE2, column 3 in both.',
  options: [
    ['-1', 'suppress column 1 (lines unique to FILE1)'],
    ['-2', 'suppress column 2 (lines unique to FILE2)'],
    ['-3', 'suppress column 3 (lines that appear in both files)'],
  ],
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  if (opts.operands.length !== 2) return usageError(SPEC, opts.operands.length < 2 ? 'missing operand' : `extra operand '${opts.operands[2]}'`);
  const files: string[][] = [];
  for (const path of opts.operands) {
    try {
      files.push(splitLines(readInputText(path)));
    } catch (error) {
      return fail('comm', path, error);
    }
  }
  const [a, b] = files as [string[], string[]];
  const shown = [!opts.has('1'), !opts.has('2'), !opts.has('3')];
  const emit = (column: number, line: string): void => {
    if (!shown[column]) return;
    const indent = shown.slice(0, column).filter(Boolean).length;
    stdout.write('\t'.repeat(indent) + line + '\n');
  };
  let [i, j] = [0, 0];
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]! < b[j]!)) emit(0, a[i++]!);
    else if (i >= a.length || b[j]! < a[i]!) emit(1, b[j++]!);
    else {
      emit(2, a[i++]!);
      j++;
    }
  }
  return 0;
}
