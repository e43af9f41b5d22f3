/** od: dump files in octal, hexadecimal, decimal or as characters. */
import { read, stdout } from '../../libc/index.ts';
import { fail, parseArgs, parseCount, usageError, type Spec } from '../lib/args.ts';
import { closeInput, openInput } from './_io.ts';

const SPEC: Spec = {
  name: 'od',
  usage: '[OPTION]... [FILE]...',
  about: 'Write an unambiguous representation of the FILEs (standard input when none), 16 bytes a line; a repeated line is shown as *.',
  options: [
    ['-A, --address-radix RADIX', 'offsets in d, o, x or n (none)'],
    ['-t, --format TYPE', 'c, or [doux][1248]: signed, octal, unsigned or hex units of that many bytes'],
    ['-c', 'same as -t c'],
    ['-b', 'same as -t o1'],
    ['-x', 'same as -t x2'],
    ['-d', 'same as -t u2'],
    ['-o', 'same as -t o2 (the default)'],
    ['-j, --skip-bytes BYTES', 'skip BYTES input bytes first'],
    ['-N, --read-bytes BYTES', 'limit dump to BYTES input bytes'],
    ['-v, --output-duplicates', 'do not use * to mark line suppression'],
  ],
};

const ESCAPES: Record<number, string> = { 0: '\\0', 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };
/** Field widths GNU od uses per type and size. */
const WIDTHS: Record<string, number> = { o1: 3, o2: 6, o4: 11, x1: 2, x2: 4, x4: 8, u1: 3, u2: 5, u4: 10, d1: 4, d2: 6, d4: 11, c: 3 };

function field(bytes: Uint8Array, at: number, type: string): string {
  if (type === 'c') {
    const b = bytes[at]!;
    return (ESCAPES[b] ?? (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : b.toString(8).padStart(3, '0'))).padStart(3);
  }
  const size = Number(type[1]);
  let value = 0;
  for (let i = size - 1; i >= 0; i--) value = value * 256 + (bytes[at + i] ?? 0);
  if (type[0] === 'd' && value >= 2 ** (size * 8 - 1)) value -= 2 ** (size * 8);
  const text = type[0] === 'o' ? value.toString(8).padStart(WIDTHS[type]!, '0') : type[0] === 'x' ? value.toString(16).padStart(WIDTHS[type]!, '0') : String(value);
  return text.padStart(WIDTHS[type]!);
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const shorthand: Record<string, string> = { c: 'c', b: 'o1', x: 'x2', d: 'u2', o: 'o2' };
  const types = [...Object.keys(shorthand).filter((f) => opts.has(f)).map((f) => shorthand[f]!), ...opts.all('t').map((t) => (/^[doux]$/.test(t) ? `${t}2` : t))];
  if (types.length === 0) types.push('o2');
  const bad = types.find((t) => WIDTHS[t] === undefined);
  if (bad) return usageError(SPEC, `invalid type string '${bad}'`);
  const radix = opts.get('A', 'o')!;
  if (!/^[doxn]$/.test(radix)) return usageError(SPEC, `invalid output address radix '${radix}'`);
  const skip = parseCount(opts.get('j', '0'));
  const limit = opts.has('N') ? parseCount(opts.get('N')) : Infinity;
  if (skip === null || limit === null) return usageError(SPEC, 'invalid byte count');
  const address = (n: number): string => (radix === 'n' ? '' : radix === 'x' ? n.toString(16).padStart(6, '0') : radix === 'd' ? String(n).padStart(7, '0') : n.toString(8).padStart(7, '0'));
  const chunks: number[] = [];
  let status = 0;
  let seen = 0;
  for (const file of opts.operands.length ? opts.operands : ['-']) {
    try {
      const fd = openInput(file);
      try {
        for (let c = read(fd, 65536); c.length > 0 && chunks.length < limit; c = read(fd, 65536)) {
          for (const byte of c) if (seen++ >= skip && chunks.length < limit) chunks.push(byte);
        }
      } finally {
        closeInput(fd);
      }
    } catch (error) {
      status = fail('od', file, error);
    }
  }
  const data = Uint8Array.from(chunks);
  let previous = '';
  let starred = false;
  for (let at = 0; at < data.length; at += 16) {
    const row = data.subarray(at, at + 16);
    const key = row.join(',');
    if (!opts.has('v') && key === previous && row.length === 16) {
      if (!starred) stdout.write('*\n');
      starred = true;
      continue;
    }
    previous = key;
    starred = false;
    types.forEach((type, i) => {
      const size = type === 'c' ? 1 : Number(type[1]);
      const cells: string[] = [];
      for (let b = 0; b < row.length; b += size) cells.push(field(row, b, type));
      stdout.write(`${i === 0 ? address(skip + at) : ' '.repeat(address(0).length)} ${cells.join(' ')}\n`);
    });
  }
  if (radix !== 'n') stdout.write(address(skip + data.length) + '\n');
  return status;
}
