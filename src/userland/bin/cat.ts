/** cat: concatenate files (or standard input, `-`) to standard output. */
import { read, stdout } from '../../libc/index.ts';
import { type Options, fail, parseArgs, type Spec } from '../lib/args.ts';
import { LineReader, closeInput, openInput } from './_io.ts';

const SPEC: Spec = {
  name: 'cat',
  usage: '[OPTION]... [FILE]...',
  about: 'Concatenate FILEs (standard input when none, or for -) to standard output.',
  options: [
    ['-n, --number', 'number all output lines'],
    ['-b, --number-nonblank', 'number nonempty output lines (overrides -n)'],
    ['-s, --squeeze-blank', 'suppress repeated empty output lines'],
    ['-E, --show-ends', 'display $ at end of each line'],
    ['-T, --show-tabs', 'display TAB characters as ^I'],
    ['-v, --show-nonprinting', 'use ^ and M- notation, except for LFD and TAB'],
    ['-A, --show-all', 'equivalent to -vET'],
    ['-u', '(ignored)'],
  ],
};

/** ^X and M-X notation for control and high characters, as cat -v shows them. */
function visible(text: string, tabs: boolean): string {
  return text.replace(/[\x00-\x08\x0a-\x1f\x7f-\xff\t]/g, (c) => {
    const code = c.charCodeAt(0);
    if (c === '\t') return tabs ? '^I' : c;
    if (code >= 0x80) return 'M-' + visible(String.fromCharCode(code - 0x80), true);
    return code === 0x7f ? '^?' : '^' + String.fromCharCode(code + 64);
  });
}

class Catter {
  private lineNo = 0;
  private blanks = 0;
  private readonly lineMode: boolean;
  constructor(private readonly opts: Options) {
    this.lineMode = ['n', 'b', 's', 'E', 'T', 'v', 'A'].some((f) => opts.has(f));
  }

  copy(fd: number): void {
    if (!this.lineMode) {
      for (let chunk = read(fd, 64 * 1024); chunk.length > 0; chunk = read(fd, 64 * 1024)) stdout.write(chunk);
      return;
    }
    const o = this.opts;
    const reader = new LineReader(fd);
    for (let line = reader.next(); line !== null; line = reader.next()) {
      const ended = line.endsWith('\n');
      let body = ended ? line.slice(0, -1) : line;
      this.blanks = body === '' ? this.blanks + 1 : 0;
      if (o.has('s') && this.blanks > 1) continue;
      if (o.has('v') || o.has('A')) body = visible(body, o.has('T') || o.has('A'));
      else if (o.has('T')) body = body.replaceAll('\t', '^I');
      const numbered = o.has('b') ? body !== '' : o.has('n');
      stdout.write((numbered ? `${String(++this.lineNo).padStart(6)}\t` : '') + body + (ended ? (o.has('E') || o.has('A') ? '$\n' : '\n') : ''));
    }
  }
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const catter = new Catter(opts);
  let status = 0;
  for (const file of opts.operands.length ? opts.operands : ['-']) {
    let fd: number;
    try {
      fd = openInput(file);
    } catch (error) {
      status = fail('cat', file, error);
      continue;
    }
    try {
      catter.copy(fd);
    } catch (error) {
      status = fail('cat', file, error);
    } finally {
      closeInput(fd);
    }
  }
  return status;
}
