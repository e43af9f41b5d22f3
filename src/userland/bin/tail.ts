/** tail: print the last lines (or bytes) of files; `-f` keeps following a growing file. */
import { SEEK_SET, fstat, isRegular, lseek, read, readAll, sleepMs, stdout } from '../../libc/index.ts';
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

/**
 * The part of the input tail needs. A regular file is read backwards from its end, in blocks,
 * until it holds enough newlines (or bytes), so `tail` of a large file reads only its end; the
 * offset is left at the end of the file for -f. Other inputs are read whole.
 */
function readEnd(fd: number, lines: string, bytes: string | undefined): Uint8Array {
  const st = fstat(fd);
  const fromStart = (bytes ?? lines).startsWith('+');
  if (!isRegular(st) || fromStart || st.size === 0) return readAll(fd);
  const want = Number(bytes ?? lines);
  const block = 64 * 1024;
  const parts: Uint8Array[] = [];
  let newlines = 0;
  let pos = st.size;
  let held = 0;
  while (pos > 0 && (bytes !== undefined ? held < want : newlines <= want)) {
    const start = Math.max(0, pos - block);
    lseek(fd, start, SEEK_SET);
    const chunk = read(fd, pos - start);
    if (chunk.length === 0) break;
    parts.unshift(chunk);
    held += chunk.length;
    for (const byte of chunk) if (byte === 0x0a) newlines++;
    pos = start;
  }
  lseek(fd, st.size, SEEK_SET);
  const out = new Uint8Array(held);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
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
      const data = readEnd(fd, lineCount, byteCount);
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
