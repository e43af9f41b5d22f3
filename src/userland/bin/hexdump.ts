/** hexdump: display file contents in hexadecimal (-C: canonical hex+ASCII). */
import { read, stdout } from '../../libc/index.ts';
import { fail, parseArgs, parseCount, usageError, type Spec } from '../lib/args.ts';
import { closeInput, openInput } from './_io.ts';

const SPEC: Spec = {
  name: 'hexdump',
  usage: '[OPTION]... [FILE]...',
  about: 'Display the concatenated FILEs (standard input when none) in hexadecimal; a repeated line is shown as *.',
  options: [
    ['-C, --canonical', 'canonical hex+ASCII display'],
    ['-n, --length LENGTH', 'interpret only LENGTH bytes of input'],
    ['-s, --skip OFFSET', 'skip OFFSET bytes from the beginning of the input'],
    ['-v, --no-squeezing', 'output identical lines too'],
  ],
};

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

function line(bytes: Uint8Array, offset: number, canonical: boolean): string {
  if (!canonical) {
    const words: string[] = [];
    for (let i = 0; i < bytes.length; i += 2) words.push(hex((bytes[i + 1] ?? 0) << 8 | bytes[i]!, 4));
    return `${hex(offset, 7)} ${words.join(' ')}`.padEnd(7 + 8 * 5);
  }
  const cells = [...bytes].map((b) => hex(b, 2));
  const left = cells.slice(0, 8).join(' ');
  const right = cells.slice(8).join(' ');
  const text = [...bytes].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  return `${hex(offset, 8)}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${text}|`;
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const limit = opts.has('n') ? parseCount(opts.get('n')) : Infinity;
  const skip = parseCount(opts.get('s', '0'));
  if (limit === null || skip === null) return usageError(SPEC, `invalid number '${opts.has('n') && limit === null ? opts.get('n') : opts.get('s')}'`);
  const canonical = opts.has('C');
  let status = 0;
  let pending: number[] = [];
  let offset = skip;
  let consumed = 0;
  let taken = 0;
  let previous = '';
  let starred = false;
  const emit = (bytes: number[]): void => {
    const data = Uint8Array.from(bytes);
    const key = data.join(',');
    if (!opts.has('v') && key === previous && data.length === 16) {
      if (!starred) stdout.write('*\n');
      starred = true;
    } else {
      stdout.write(line(data, offset, canonical) + '\n');
      starred = false;
    }
    previous = key;
    offset += data.length;
  };
  for (const file of opts.operands.length ? opts.operands : ['-']) {
    let fd: number;
    try {
      fd = openInput(file);
    } catch (error) {
      status = fail('hexdump', file, error);
      continue;
    }
    try {
      for (let chunk = read(fd, 64 * 1024); chunk.length > 0 && taken < limit; chunk = read(fd, 64 * 1024)) {
        for (const byte of chunk) {
          if (consumed++ < skip) continue;
          if (taken++ >= limit) break;
          pending.push(byte);
          if (pending.length === 16) {
            emit(pending);
            pending = [];
          }
        }
      }
    } catch (error) {
      status = fail('hexdump', file, error);
    } finally {
      closeInput(fd);
    }
  }
  if (pending.length) emit(pending);
  if (offset > skip) stdout.write((canonical ? hex(offset, 8) : hex(offset, 7)) + '\n');
  return status;
}
