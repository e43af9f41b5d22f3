/** ls: list directory contents. */
import {
  DT_DIR, DT_UNKNOWN, environ, eprint, isatty, isDirectory, lstat, nowMs, readdir, stat, stdout,
} from '../../libc/index.ts';
import { type Options, parseArgs, reason, type Spec } from '../lib/args.ts';
import { joinPath } from './_io.ts';
import { type Entry, classifyMark, columnLines, longLines } from './_ls_format.ts';

const SPEC: Spec = {
  name: 'ls',
  usage: '[OPTION]... [FILE]...',
  about: 'List information about the FILEs (the current directory by default), sorted by name.',
  options: [
    ['-a, --all', 'do not ignore entries starting with .'],
    ['-A, --almost-all', 'like -a, but without . and ..'],
    ['-l', 'use a long listing format'],
    ['-n, --numeric-uid-gid', 'like -l, but list numeric user and group IDs'],
    ['-h, --human-readable', 'with -l, print sizes like 1K 234M 2G'],
    ['-i, --inode', 'print the index number of each file'],
    ['-F, --classify', 'append indicator (one of */=@|) to entries'],
    ['-R, --recursive', 'list subdirectories recursively'],
    ['-d, --directory', 'list directories themselves, not their contents'],
    ['-r, --reverse', 'reverse order while sorting'],
    ['-t', 'sort by time, newest first'],
    ['-S', 'sort by file size, largest first'],
    ['-1', 'list one file per line'],
  ],
};

const byName = (a: Entry, b: Entry): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

class Lister {
  status = 0;
  private readonly now = nowMs() / 1000;
  /** Whether entries must be examined (stat) rather than known from the directory alone. */
  private readonly needStat: boolean;
  constructor(private readonly opts: Options) {
    this.needStat = ['l', 't', 'S', 'F', 'i'].some((f) => opts.has(f));
  }

  private sort(entries: Entry[]): Entry[] {
    const o = this.opts;
    const key = (e: Entry): number => (o.has('t') ? (e.st?.mtimeSec ?? 0) + (e.st?.mtimeNsec ?? 0) / 1e9 : e.st?.size ?? 0);
    const sorted = entries.sort((a, b) => (o.has('t') || o.has('S') ? key(b) - key(a) || byName(a, b) : byName(a, b)));
    return o.has('r') ? sorted.reverse() : sorted;
  }

  print(entries: Entry[]): void {
    const o = this.opts;
    let lines: string[];
    if (o.has('l')) {
      lines = longLines(entries, { numericIds: o.has('n'), human: o.has('h'), inode: o.has('i'), classify: o.has('F') }, this.now);
    } else {
      const names = entries.map((e) => `${o.has('i') ? `${e.st?.ino ?? '?'} ` : ''}${e.name}${o.has('F') ? classifyMark(e) : ''}`);
      lines = o.has('1') || !isatty(1) ? names : columnLines(names, Number(environ.COLUMNS) || 80);
    }
    for (const line of lines) stdout.write(line + '\n');
  }

  listDirectory(path: string, header: boolean, first: boolean): void {
    const types = new Map<string, number>();
    try {
      for (const d of readdir(path)) if (d.name !== '.' && d.name !== '..') types.set(d.name, d.type);
    } catch (error) {
      eprint(`ls: cannot open directory '${path}': ${reason(error)}`);
      this.status = 2;
      return;
    }
    let names = [...types.keys()];
    if (this.opts.has('a')) {
      names.push('.', '..');
      types.set('.', DT_DIR).set('..', DT_DIR);
    } else if (!this.opts.has('A')) names = names.filter((n) => !n.startsWith('.'));
    const entries: Entry[] = [];
    for (const name of names) {
      const full = joinPath(path, name);
      const entry: Entry = { name, path: full, st: null, isDir: types.get(name) === DT_DIR };
      if (this.needStat || (this.opts.has('R') && types.get(name) === DT_UNKNOWN)) {
        try {
          entry.st = lstat(full);
          entry.isDir = isDirectory(entry.st);
        } catch (error) {
          eprint(`ls: cannot access '${full}': ${reason(error)}`);
          this.status = 1;
        }
      }
      entries.push(entry);
    }
    if (header) stdout.write(`${first ? '' : '\n'}${path}:\n`);
    if (this.opts.has('l')) stdout.write(`total ${entries.reduce((t, e) => t + Math.ceil((e.st?.blocks ?? 0) / 2), 0)}\n`);
    this.print(this.sort(entries));
    if (!this.opts.has('R')) return;
    for (const e of entries) {
      if (e.isDir && e.name !== '.' && e.name !== '..') this.listDirectory(e.path, true, false);
    }
  }

  /** Lists the operands: files first (together), then each directory's contents. */
  run(operands: string[]): void {
    const files: Entry[] = [];
    const dirs: Entry[] = [];
    for (const path of operands) {
      try {
        const st = this.opts.has('l') || this.opts.has('d') || this.opts.has('F') ? lstat(path) : stat(path);
        (isDirectory(st) && !this.opts.has('d') ? dirs : files).push({ name: path, path, st, isDir: isDirectory(st) });
      } catch (error) {
        eprint(`ls: cannot access '${path}': ${reason(error)}`);
        this.status = 2;
      }
    }
    if (files.length) this.print(this.sort(files));
    const headers = operands.length > 1 || this.opts.has('R');
    this.sort(dirs).forEach((dir, i) => this.listDirectory(dir.path, headers, i === 0 && files.length === 0));
  }
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  if (opts.has('n')) opts.add('l');
  const lister = new Lister(opts);
  lister.run(opts.operands.length ? opts.operands : ['.']);
  return lister.status;
}
