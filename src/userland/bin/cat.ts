/** cat: concatenate files (or standard input, `-`) to standard output. */
import { read, stdout } from '../../libc/index.ts';
import { fail, parseArgs, type Spec } from '../lib/args.ts';
import { LineReader, closeInput, openInput } from './_io.ts';

const SPEC: Spec = {
  name: 'cat',
  usage: '[OPTION]... [FILE]...',
  about: 'Concatenate FILEs (standard input when none, or for -) to standard output.',
  options: [
    ['-n, --number', 'number all output lines'],
    ['-b, --number-nonblank', 'number nonempty output lines (overrides -n)'],
    ['-u', '(ignored)'],
  ],
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const numberAll = opts.has('n') && !opts.has('b');
  const numberNonblank = opts.has('b');
  const files = opts.operands.length ? opts.operands : ['-'];
  let lineNo = 0;
  let status = 0;
  for (const file of files) {
    let fd: number;
    try {
      fd = openInput(file);
    } catch (error) {
      status = fail('cat', file, error);
      continue;
    }
    try {
      if (numberAll || numberNonblank) {
        const reader = new LineReader(fd);
        for (let line = reader.next(); line !== null; line = reader.next()) {
          const blank = line === '\n';
          if (numberAll || !blank) stdout.write(`${String(++lineNo).padStart(6)}\t${line}`);
          else stdout.write(line);
        }
      } else {
        for (let chunk = read(fd, 64 * 1024); chunk.length > 0; chunk = read(fd, 64 * 1024)) stdout.write(chunk);
      }
    } catch (error) {
      status = fail('cat', file, error);
    } finally {
      closeInput(fd);
    }
  }
  return status;
}
