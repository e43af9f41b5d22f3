/**
 * How ls lays entries out: the long format (aligned mode, links, owner, group, size, time, name
 * and link target) and GNU's down-then-across columns for a terminal.
 */
import { type Stat, isSymlink, readlink } from '../../libc/index.ts';
import { humanSize, lsTime, modeString, typeChar } from './_format.ts';
import { groupName, userName } from './_system.ts';

export interface Entry {
  name: string;
  path: string;
  /** Null when the entry could not be examined (shown with `?` fields, as GNU ls does). */
  st: Stat | null;
  isDir: boolean;
}

export interface LongStyle {
  numericIds: boolean;
  human: boolean;
  inode: boolean;
  classify: boolean;
}

/** The length of the longest string (a loop: a directory may hold more names than a call takes arguments). */
const longest = (texts: string[]): number => texts.reduce((max, t) => Math.max(max, t.length), 0);

/** The -F mark: / directory, @ symlink, | fifo, = socket, * executable. */
export function classifyMark(e: Entry): string {
  if (!e.st) return e.isDir ? '/' : '';
  const type = typeChar(e.st.mode);
  if (type === '-') return e.st.mode & 0o111 ? '*' : '';
  return { d: '/', l: '@', p: '|', s: '=' }[type] ?? '';
}

/** The lines of `ls -l` for these entries, columns aligned across them. */
export function longLines(entries: Entry[], style: LongStyle, nowSec: number): string[] {
  const rows = entries.map((e) => {
    const st = e.st;
    if (!st) return ['?', '??????????', '?', '?', '?', '?', '           ?'];
    return [
      String(st.ino), modeString(st.mode), String(st.nlink), style.numericIds ? String(st.uid) : userName(st.uid),
      style.numericIds ? String(st.gid) : groupName(st.gid), style.human ? humanSize(st.size) : String(st.size), lsTime(st.mtimeSec, nowSec),
    ];
  });
  const widths = [0, 1, 2, 3, 4, 5].map((i) => longest(rows.map((r) => r[i]!)));
  return entries.map((e, n) => {
    const [ino, mode, links, user, group, size, time] = rows[n]!;
    let line = `${style.inode ? `${ino!.padStart(widths[0]!)} ` : ''}${mode} ${links!.padStart(widths[2]!)} ${user!.padEnd(widths[3]!)} ` +
      `${group!.padEnd(widths[4]!)} ${size!.padStart(widths[5]!)} ${time} ${e.name}`;
    if (e.st && isSymlink(e.st)) {
      try {
        line += ` -> ${readlink(e.path)}`;
      } catch {
        // An unreadable link shows its name alone.
      }
    } else if (style.classify) line += classifyMark(e);
    return line;
  });
}

/** Down-then-across columns, as many as fit `width`, each as wide as its longest name + 2 (GNU's layout). */
export function columnLines(names: string[], width: number): string[] {
  if (names.length === 0) return [];
  let layout = { rows: names.length, widths: [longest(names)] };
  for (let cols = Math.min(names.length, Math.floor(width / 3)); cols > 1; cols--) {
    const rows = Math.ceil(names.length / cols);
    const widths = Array.from({ length: Math.ceil(names.length / rows) }, (_, c) => longest(names.slice(c * rows, (c + 1) * rows)) + 2);
    if (widths.reduce((t, w) => t + w, 0) - 2 <= width) {
      layout = { rows, widths };
      break;
    }
  }
  const lines: string[] = [];
  for (let r = 0; r < layout.rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c * layout.rows + r < names.length; c++) cells.push(names[c * layout.rows + r]!.padEnd(layout.widths[c]!));
    lines.push(cells.join('').trimEnd());
  }
  return lines;
}
