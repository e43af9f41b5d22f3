/** ls: list directory contents. */
import {
  DT_DIR, DT_UNKNOWN, type Stat, environ, isatty, isDirectory, isSymlink, lstat, nowMs, readdir, readlink, stat, stdout, eprint,
} from '../../libc/index.ts';
import { type Options, parseArgs, reason, type Spec } from '../lib/args.ts';
import { humanSize, lsTime, modeString } from './_format.ts';
import { joinPath } from './_io.ts';
import { groupName, userName } from './_system.ts';

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
    ['-R, --recursive', 'list subdirectories recursively'],
    ['-d, --directory', 'list directories themselves, not their contents'],
    ['-1', 'list one file per line'],
  ],
};

interface Entry {
  name: string;
  path: string;
  /** Null when the entry could not be examined (shown with `?` fields, as GNU ls does). */
  st: Stat | null;
  isDir: boolean;
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

class Lister {
  status = 0;
  private readonly now = nowMs() / 1000;
  constructor(private readonly opts: Options) {}

  private user(uid: number): string {
    return this.opts.has('n') ? String(uid) : userName(uid);
  }

  private group(gid: number): string {
    return this.opts.has('n') ? String(gid) : groupName(gid);
  }

  private field(text: string | number, width: number, left = false): string {
    return left ? String(text).padEnd(width) : String(text).padStart(width);
  }

  print(entries: Entry[]): void {
    if (!this.opts.has('l')) {
      const names = entries.map((e) => e.name);
      if (this.opts.has('1') || !isatty(1)) for (const name of names) stdout.write(name + '\n');
      else this.columns(names);
      return;
    }
    const size = (st: Stat): string => (this.opts.has('h') ? humanSize(st.size) : String(st.size));
    const rows = entries.map((e) => (e.st
      ? [modeString(e.st.mode), String(e.st.nlink), this.user(e.st.uid), this.group(e.st.gid), size(e.st), lsTime(e.st.mtimeSec, this.now)]
      : ['??????????', '?', '?', '?', '?', '           ?']));
    const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
    entries.forEach((e, n) => {
      const [mode, links, user, group, bytes, time] = rows[n]!;
      let line = `${mode} ${this.field(links!, widths[1]!)} ${this.field(user!, widths[2]!, true)} ` +
        `${this.field(group!, widths[3]!, true)} ${this.field(bytes!, widths[4]!)} ${time} ${e.name}`;
      if (e.st && isSymlink(e.st)) {
        try {
          line += ` -> ${readlink(e.path)}`;
        } catch {
          // An unreadable link shows its name alone.
        }
      }
      stdout.write(line + '\n');
    });
  }

  private columns(names: string[]): void {
    if (names.length === 0) return;
    const width = Math.max(...names.map((n) => n.length)) + 2;
    const perRow = Math.max(1, Math.floor((Number(environ.COLUMNS) || 80) / width));
    const rows = Math.ceil(names.length / perRow);
    for (let r = 0; r < rows; r++) {
      const cells: string[] = [];
      for (let c = r; c < names.length; c += rows) cells.push(names[c]!);
      stdout.write(cells.map((n, i) => (i === cells.length - 1 ? n : n.padEnd(width))).join('') + '\n');
    }
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
    for (const name of names.sort()) {
      const full = joinPath(path, name);
      const entry: Entry = { name, path: full, st: null, isDir: types.get(name) === DT_DIR };
      if (this.opts.has('l') || (this.opts.has('R') && types.get(name) === DT_UNKNOWN)) {
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
    this.print(entries);
    if (!this.opts.has('R')) return;
    for (const e of entries) {
      if (e.isDir && e.name !== '.' && e.name !== '..') this.listDirectory(e.path, true, false);
    }
  }
}

export function main(args: string[]): number {
  const opts = parseArgs(args, SPEC);
  if (typeof opts === 'number') return opts;
  if (opts.has('n')) opts.add('l');
  const lister = new Lister(opts);
  const operands = opts.operands.length ? opts.operands : ['.'];
  const files: Entry[] = [];
  const dirs: string[] = [];
  for (const path of operands) {
    try {
      const st = opts.has('l') || opts.has('d') ? lstat(path) : stat(path);
      if (isDirectory(st) && !opts.has('d')) dirs.push(path);
      else files.push({ name: path, path, st, isDir: isDirectory(st) });
    } catch (error) {
      eprint(`ls: cannot access '${path}': ${reason(error)}`);
      lister.status = 2;
    }
  }
  files.sort(byName);
  dirs.sort();
  if (files.length) lister.print(files);
  const headers = operands.length > 1 || opts.has('R');
  dirs.forEach((dir, i) => lister.listDirectory(dir, headers, i === 0 && files.length === 0));
  return lister.status;
}
