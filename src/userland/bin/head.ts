/** head: print the first lines (or bytes) of files. */
import { read, readAll, stdout } from '../../libc/index.ts';
import { fail, parseArgs, parseCount, usageError, type Spec } from '../lib/args.ts';
import { LineReader, closeInput, openInput } from './_io.ts';

const SPEC: Spec = {
  name: 'head',
  usage: '[OPTION]... [FILE]...',
  about: 'Print the first 10 lines of each FILE (standard input when none, or for -).',
  options: [
    ['-n, --lines NUM', 'print the first NUM lines (-NUM works too); -n -NUM: all but the last NUM'],
    ['-c, --bytes NUM', 'print the first NUM bytes; -c -NUM: all but the last NUM'],
    ['-q, --quiet', 'never print headers giving file names'],
    ['-v, --verbose', 'always print headers giving file names'],
  ],
};

function copyBytes(fd: number, count: number): void {
  while (count > 0) {
    const chunk = read(fd, Math.min(count, 64 * 1024));
    if (chunk.length === 0) return;
    stdout.write(chunk);
    count -= chunk.length;
  }
}

function copyLines(fd: number, count: number): void {
  const reader = new LineReader(fd);
  for (let n = 0; n < count; n++) {
    const line = reader.next();
    if (line === null) return;
    stdout.write(line);
  }
}

/** `-n -N`: everything but the last N lines, holding N lines back. */
function allButLastLines(fd: number, count: number): void {
  const reader = new LineReader(fd);
  const held: string[] = [];
  for (let line = reader.next(); line !== null; line = reader.next()) {
    held.push(line);
    if (held.length > count) stdout.write(held.shift()!);
  }
}

/** `-c -N`: everything but the last N bytes. */
function allButLastBytes(fd: number, count: number): void {
  const data = readAll(fd);
  stdout.write(data.subarray(0, Math.max(0, data.length - count)));
}

export function main(args: string[]): number {
  // `head -5` is the old spelling of `head -n 5`.
  const shorthand = (a: string, i: number): boolean => i > 0 && /^-\d+$/.test(a) && !['-n', '-c', '--lines', '--bytes'].includes(args[i - 1]!);
  const opts = parseArgs(args.map((a, i) => (shorthand(a, i) ? `-n${a.slice(1)}` : a)), SPEC);
  if (typeof opts === 'number') return opts;
  // A leading '-' on the count means "all but the last".
  const [bytesText, linesText] = [opts.get('c'), opts.get('n', '10')!];
  const bytes = opts.has('c') ? parseCount(bytesText?.replace(/^-/, '')) : null;
  const lines = parseCount(linesText.replace(/^-/, ''));
  if (opts.has('c') && bytes === null) return usageError(SPEC, `invalid number of bytes: '${opts.get('c')}'`);
  if (lines === null) return usageError(SPEC, `invalid number of lines: '${opts.get('n')}'`);
  const files = opts.operands.length ? opts.operands : ['-'];
  const headers = opts.has('v') || (files.length > 1 && !opts.has('q'));
  let status = 0;
  files.forEach((file, index) => {
    let fd: number;
    try {
      fd = openInput(file);
    } catch (error) {
      status = fail('head', `cannot open '${file}' for reading`, error);
      return;
    }
    try {
      if (headers) stdout.write(`${index ? '\n' : ''}==> ${file === '-' ? 'standard input' : file} <==\n`);
      if (bytes !== null) (bytesText!.startsWith('-') ? allButLastBytes : copyBytes)(fd, bytes);
      else (linesText.startsWith('-') ? allButLastLines : copyLines)(fd, lines);
    } catch (error) {
      status = fail('head', `error reading '${file}'`, error);
    } finally {
      closeInput(fd);
    }
  });
  return status;
}
