/** grep: print lines that match a pattern (JavaScript regular expressions; -F for fixed strings). */
import { isDirectory, isRegular, lstat, readdir, stat, stdout } from '../../libc/index.ts';
import { fail, parseArgs, parseCount, usageError, type Spec } from '../lib/args.ts';
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
    ['-o, --only-matching', 'show only the nonempty parts of lines that match'],
    ['-A, --after-context NUM', 'print NUM lines of trailing context'],
    ['-B, --before-context NUM', 'print NUM lines of leading context'],
    ['-C, --context NUM', 'print NUM lines of output context'],
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
  // Inside a recursion, as GNU grep does, symlinks are not followed and only regular files are read.
  const search = (file: string, top: boolean): void => {
    try {
      const st = recursive && file !== '-' ? (top ? stat(file) : lstat(file)) : null;
      if (st && isDirectory(st)) {
        for (const d of readdir(file).sort((a, b) => (a.name < b.name ? -1 : 1))) search(joinPath(file, d.name), false);
      } else if (top || (st && isRegular(st))) searchFile(file);
    } catch (error) {
      errors = true;
      if (!opts.has('s')) fail('grep', file, error);
    }
  };
  const after = parseCount(opts.get('A') ?? opts.get('C', '0'));
  const before = parseCount(opts.get('B') ?? opts.get('C', '0'));
  if (after === null || before === null) return usageError(SPEC, 'invalid context length argument');
  const global = new RegExp(regex.source, regex.flags + 'g');
  let printedAny = false;
  const searchFile = (file: string): void => {
    const label = file === '-' ? '(standard input)' : file;
    let count = 0;
    let lineNo = 0;
    let lastPrinted = 0;
    let trailing = 0;
    const recent: [number, string][] = [];
    const emit = (n: number, line: string, sep: string): void => {
      // With context, groups that do not touch are separated by `--` (within and across files).
      if ((before || after) && printedAny && (lastPrinted === 0 || n > lastPrinted + 1)) stdout.write('--\n');
      stdout.write(`${names ? `${label}${sep}` : ''}${opts.has('n') ? `${n}${sep}` : ''}${line}\n`);
      lastPrinted = n;
      printedAny = true;
    };
    eachLine(file, (raw) => {
      lineNo++;
      const line = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
      if (regex.test(line) === opts.has('v')) {
        if (trailing > 0) {
          trailing--;
          emit(lineNo, line, '-');
        } else if (before) {
          recent.push([lineNo, line]);
          if (recent.length > before) recent.shift();
        }
        return true;
      }
      count++;
      matched = true;
      if (opts.has('q') || opts.has('l')) return false;
      if (opts.has('c')) return true;
      for (const [n, text] of recent.splice(0)) emit(n, text, '-');
      if (opts.has('o') && !opts.has('v')) {
        for (const m of line.matchAll(global)) if (m[0]) stdout.write(`${names ? `${label}:` : ''}${opts.has('n') ? `${lineNo}:` : ''}${m[0]}\n`);
      } else emit(lineNo, line, ':');
      trailing = after;
      return true;
    });
    if (opts.has('q')) return;
    if (opts.has('l') && count) stdout.write(label + '\n');
    else if (opts.has('c') && !opts.has('l')) stdout.write(`${names ? `${label}:` : ''}${count}\n`);
  };
  for (const file of files) {
    if (matched && opts.has('q')) break;
    search(file, true);
  }
  return errors && !(opts.has('q') && matched) ? 2 : matched ? 0 : 1;
}
