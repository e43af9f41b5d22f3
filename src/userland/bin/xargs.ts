/** xargs: build and run command lines from standard input. */
import { environ, eprint, stdin, stdout } from '../../libc/index.ts';
import { fail, parseArgs, parseCount, usageError, type Spec } from '../lib/args.ts';
import { runCommand } from './_system.ts';

const SPEC: Spec = {
  name: 'xargs',
  usage: '[OPTION]... [COMMAND [INITIAL-ARGS]...]',
  about: 'Run COMMAND (default echo) with INITIAL-ARGS and further arguments read from standard input (blank-separated, quotes respected).',
  options: [
    ['-0, --null', 'items are separated by a null, not whitespace'],
    ['-d, --delimiter CHAR', 'items are separated by CHAR'],
    ['-n, --max-args MAX', 'use at most MAX arguments per command line'],
    ['-I REPLACE', 'replace REPLACE in INITIAL-ARGS with each input line'],
    ['-r, --no-run-if-empty', 'if there are no arguments, do not run COMMAND'],
    ['-t, --verbose', 'print commands before executing them'],
  ],
  stopAtOperand: true,
};

/** Splits input as xargs does by default: blanks separate, quotes and backslash protect; null on an unmatched quote. */
function splitItems(text: string): string[] | null {
  const items: string[] = [];
  let current = '';
  let inItem = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      if (inItem) items.push(current);
      current = '';
      inItem = false;
    } else if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0) return null;
      current += text.slice(i + 1, end);
      inItem = true;
      i = end;
    } else {
      current += c === '\\' && i + 1 < text.length ? text[++i] : c;
      inItem = true;
    }
  }
  if (inItem) items.push(current);
  return items;
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const command = opts.operands.length ? opts.operands : ['echo'];
  const max = opts.has('n') ? parseCount(opts.get('n')) : Infinity;
  if (max === null || max === 0) return usageError(SPEC, `invalid number for -n: '${opts.get('n')}'`);
  const input = stdin.readAll();
  const replace = opts.get('I');
  let items: string[];
  if (replace !== undefined) items = input.split('\n').filter((l) => l !== '');
  else if (opts.has('0') || opts.has('d')) {
    const delim = opts.has('0') ? '\0' : opts.get('d')!.replace(/^\\n$/, '\n').replace(/^\\t$/, '\t');
    items = input.split(delim);
    if (items.at(-1) === '' || (delim !== '\n' && items.at(-1) === '\n')) items.pop();
  } else {
    const split = splitItems(input);
    if (split === null) return fail('xargs', 'unmatched quote; by default quotes are special to xargs unless you use the -0 option', null);
    items = split;
  }
  const lines: string[][] = [];
  if (replace !== undefined) for (const item of items) lines.push(command.map((w) => w.replaceAll(replace, item)));
  else if (items.length === 0) {
    if (!opts.has('r')) lines.push(command);
  } else {
    const per = Math.min(max, items.length);
    for (let i = 0; i < items.length; i += per) lines.push([...command, ...items.slice(i, i + per)]);
  }
  let status = 0;
  for (const argv of lines) {
    if (opts.has('t')) eprint(argv.join(' '));
    stdout.flush();
    const result = runCommand(argv, environ.PATH);
    if (result === 127) {
      fail('xargs', `${argv[0]}: No such file or directory`, null);
      return 127;
    }
    if (result >= 128) {
      fail('xargs', `${argv[0]}: terminated by signal ${result - 128}`, null);
      return 125;
    }
    if (result !== 0) status = 123;
  }
  return status;
}
