/** seq: print a sequence of numbers: `seq LAST`, `seq FIRST LAST`, `seq FIRST INCREMENT LAST`. */
import { stdout } from '../../libc/index.ts';
import { parseArgs, usageError, type Spec } from '../lib/args.ts';

const SPEC: Spec = {
  name: 'seq',
  usage: '[OPTION]... [FIRST [INCREMENT]] LAST',
  about: 'Print numbers from FIRST (default 1) to LAST, in steps of INCREMENT (default 1).',
  options: [
    ['-s, --separator STRING', 'use STRING to separate numbers (default: \\n)'],
    ['-w, --equal-width', 'equalize width by padding with leading zeroes'],
  ],
  numbersAreOperands: true,
};

const decimals = (text: string): number => (text.includes('.') ? text.length - text.indexOf('.') - 1 : 0);

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const words = opts.operands;
  if (words.length < 1 || words.length > 3) return usageError(SPEC, words.length ? `extra operand '${words[3]}'` : 'missing operand');
  for (const word of words) {
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(word)) return usageError(SPEC, `invalid floating point argument: '${word}'`);
  }
  const [firstText, stepText, lastText] = words.length === 1 ? ['1', '1', words[0]!] : words.length === 2 ? [words[0]!, '1', words[1]!] : words as [string, string, string];
  const first = Number(firstText);
  const step = Number(stepText);
  const last = Number(lastText);
  if (step === 0) return usageError(SPEC, `invalid Zero increment value: '${stepText}'`);
  const places = Math.max(decimals(firstText), decimals(stepText));
  const separator = opts.get('s', '\n')!;
  // String() prints an integer as toFixed(0) does (below 1e21, past which both use exponents), several times faster.
  const format = places === 0 ? (n: number): string => String(n) : (n: number): string => n.toFixed(places);
  const width = opts.has('w') ? Math.max(format(first).length, format(last).length) : 0;
  const pad = (text: string): string => (text.startsWith('-') ? '-' + text.slice(1).padStart(width - 1, '0') : text.padStart(width, '0'));
  let out = '';
  let count = 0;
  for (let i = 0; ; i++) {
    const n = first + i * step;
    if (step > 0 ? n > last + 1e-10 : n < last - 1e-10) break;
    out += (count++ ? separator : '') + pad(format(n));
    if (out.length >= 65536) {
      stdout.write(out);
      out = '';
    }
  }
  if (count) stdout.write(out + '\n');
  return 0;
}
