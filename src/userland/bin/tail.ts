/** tail: print the last lines (or bytes) of files; `-f` keeps following a growing file. */
import { read, sleepMs, stdout } from '../../libc/index.ts';
import { fail, parseArgs, usageError, type Spec } from '../lib/args.ts';
import { closeInput, openInput, splitLines } from './_io.ts';

const SPEC: Spec = {
  name: 'tail',
  usage: '[OPTION]... [FILE]...',
  about: 'Print the last 10 lines of each FILE (standard input when none, or for -).',
  options: [
    ['-n, --lines NUM', 'print the last NUM lines; +NUM starts at line NUM (-NUM works too)'],
    ['-c, --bytes NUM', 'print the last NUM bytes; +NUM starts at byte NUM'],
    ['-f, --follow', 'output appended data as the file grows'],
    ['-q, --quiet', 'never print headers giving file names'],
    ['-v, --verbose', 'always print headers giving file names'],
  ],
};

const decoder = new TextDecoder();

function readAllOf(fd: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (let c = read(fd, 64 * 1024); c.length > 0; c = read(fd, 64 * 1024)) chunks.push(c);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) out.set(c, (at += c.length) - c.length);
  return out;
}

function lastLines(data: Uint8Array, count: string): string {
  const text = decoder.decode(data);
  const lines = splitLines(text);
  const terminated = text.endsWith('\n');
  const chosen = count.startsWith('+') ? lines.slice(Math.max(0, Number(count) - 1)) : Number(count) === 0 ? [] : lines.slice(-Number(count));
  if (chosen.length === 0) return '';
  return chosen.join('\n') + (terminated || chosen.at(-1) !== lines.at(-1) ? '\n' : '');
}

/** `tail -5` and `tail +5` (the old syntax) when not the value of -n or -c. */
function obsoleteCount(args: string[], i: number): boolean {
  const word = args[i]!;
  if (i === 0 || !/^[-+]\d+$/.test(word) || ['-n', '-c', '--lines', '--bytes'].includes(args[i - 1]!)) return false;
  return word.startsWith('-') || i === 1;
}

export function main(args: string[]): number {
  const opts = parseArgs(args.map((a, i) => (obsoleteCount(args, i) ? `-n${a.replace('-', '')}` : a)), SPEC);
  if (typeof opts === 'number') return opts;
  const lineCount = opts.get('n', '10')!;
  const byteCount = opts.get('c');
  if (!/^\+?\d+$/.test(lineCount)) return usageError(SPEC, `invalid number of lines: '${lineCount}'`);
  if (byteCount !== undefined && !/^\+?\d+$/.test(byteCount)) return usageError(SPEC, `invalid number of bytes: '${byteCount}'`);
  const files = opts.operands.length ? opts.operands : ['-'];
  const headers = opts.has('v') || (files.length > 1 && !opts.has('q'));
  let status = 0;
  let followFd = -1;
  files.forEach((file, index) => {
    let fd: number;
    try {
      fd = openInput(file);
    } catch (error) {
      status = fail('tail', `cannot open '${file}' for reading`, error);
      return;
    }
    try {
      if (headers) stdout.write(`${index ? '\n' : ''}==> ${file === '-' ? 'standard input' : file} <==\n`);
      const data = readAllOf(fd);
      if (byteCount === undefined) stdout.write(lastLines(data, lineCount));
      else stdout.write(byteCount.startsWith('+') ? data.subarray(Math.max(0, Number(byteCount) - 1)) : data.subarray(Math.max(0, data.length - Number(byteCount))));
      if (opts.has('f') && index === files.length - 1 && file !== '-') followFd = fd;
    } catch (error) {
      status = fail('tail', `error reading '${file}'`, error);
    } finally {
      if (fd !== followFd) closeInput(fd);
    }
  });
  if (followFd < 0) return status;
  for (;;) {
    stdout.flush();
    sleepMs(200);
    for (let c = read(followFd, 64 * 1024); c.length > 0; c = read(followFd, 64 * 1024)) stdout.write(c);
  }
}
