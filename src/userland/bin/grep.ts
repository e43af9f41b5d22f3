/** grep: print lines that match a pattern (JavaScript regular expressions; -F for fixed strings). */
import { isDirectory, readdir, stat, stdout } from '../../libc/index.ts';
import { fail, parseArgs, usageError, type Spec } from '../lib/args.ts';
import { eachLine, joinPath } from './_io.ts';
import { regexSource } from './_match.ts';

const SPEC: Spec = {
  name: 'grep',
  usage: '[OPTION]... PATTERN [FILE]...',
  about: 'Search for PATTERN in each FILE (standard input when none, or for -). Status 0 if a line matched, 1 if none, 2 on error.',
  options: [
    ['-e, --regexp PATTERN', 'use PATTERN for matching (may repeat)'],
    ['-E, --extended-regexp', 'PATTERN is an extended regular expression (the default here)'],
    ['-F, --fixed-strings', 'PATTERN is a set of fixed strings'],
    ['-i, --ignore-case', 'ignore case distinctions'],
    ['-v, --invert-match', 'select non-matching lines'],
    ['-w, --word-regexp', 'match only whole words'],
    ['-x, --line-regexp', 'match only whole lines'],
    ['-n, --line-number', 'print line number with output lines'],
    ['-c, --count', 'print only a count of selected lines per FILE'],
    ['-l, --files-with-matches', 'print only names of FILEs with selected lines'],
    ['-q, --quiet', 'suppress all normal output'],
    ['-s, --no-messages', 'suppress error messages about unreadable files'],
    ['-H, --with-filename', 'print the file name for each match'],
    ['-h, --no-filename', 'suppress the file name prefix on output'],
    ['-r, --recursive', 'search directories recursively'],
  ],
};

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  const operands = [...opts.operands];
  const patterns = opts.has('e') ? opts.all('e') : operands.length ? [operands.shift()!] : null;
  if (patterns === null) return usageError(SPEC, 'missing pattern');
  const sources = patterns.flatMap((p) => p.split('\n')).map((p) =>
    opts.has('F') ? p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') : regexSource(p, opts.has('E')));
  let regex: RegExp;
  try {
    let body = sources.map((s) => `(?:${s})`).join('|');
    if (opts.has('w')) body = `(?<![\\w])(?:${body})(?![\\w])`;
    if (opts.has('x')) body = `^(?:${body})$`;
    regex = new RegExp(body, opts.has('i') ? 'i' : '');
  } catch (error) {
    return usageError(SPEC, `invalid pattern: ${(error as Error).message}`);
  }
  const recursive = opts.has('r');
  const files = operands.length ? operands : [recursive ? '.' : '-'];
  const names = !opts.has('h') && (opts.has('H') || files.length > 1 || recursive);
  let matched = false;
  let errors = false;
  const search = (file: string): void => {
    try {
      if (recursive && file !== '-' && isDirectory(stat(file))) {
        for (const d of readdir(file).sort((a, b) => (a.name < b.name ? -1 : 1))) search(joinPath(file, d.name));
      } else searchFile(file);
    } catch (error) {
      errors = true;
      if (!opts.has('s')) fail('grep', file, error);
    }
  };
  const searchFile = (file: string): void => {
    const label = file === '-' ? '(standard input)' : file;
    let count = 0;
    let lineNo = 0;
    eachLine(file, (raw) => {
      lineNo++;
      const line = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
      if (regex.test(line) === opts.has('v')) return true;
      count++;
      matched = true;
      if (opts.has('q')) return false;
      if (opts.has('l')) return false;
      if (!opts.has('c')) stdout.write(`${names ? `${label}:` : ''}${opts.has('n') ? `${lineNo}:` : ''}${line}\n`);
      return true;
    });
    if (opts.has('q')) return;
    if (opts.has('l') && count) stdout.write(label + '\n');
    else if (opts.has('c') && !opts.has('l')) stdout.write(`${names ? `${label}:` : ''}${count}\n`);
  };
  for (const file of files) {
    if (matched && opts.has('q')) break;
    search(file);
  }
  return errors && !(opts.has('q') && matched) ? 2 : matched ? 0 : 1;
}
