/**
 * Input and path helpers shared by the coreutils (the build skips `_` files): operands where `-`
 * is standard input, whole-text and line-at-a-time reading, and path joining and splitting.
 */
import {
  Errno, O_RDONLY, SysError, close, getcwd, isDirectory, isSymlink, lstat, open, read, readAll, readlink, stat,
} from '../../libc/index.ts';

const decoder = new TextDecoder();

/** Opens an input operand; `-` is standard input (fd 0). */
export const openInput = (path: string): number => (path === '-' ? 0 : open(path, O_RDONLY));

export function closeInput(fd: number): void {
  if (fd !== 0) close(fd);
}

/** The whole text of an input operand. */
export function readInputText(path: string): string {
  const fd = openInput(path);
  try {
    return decoder.decode(readAll(fd));
  } finally {
    closeInput(fd);
  }
}

/** Reads an fd a line at a time; each line keeps its `\n` (the last may lack one). */
export class LineReader {
  private pending = '';
  private ended = false;

  constructor(readonly fd: number) {}

  next(): string | null {
    for (;;) {
      const newline = this.pending.indexOf('\n');
      if (newline >= 0) {
        const line = this.pending.slice(0, newline + 1);
        this.pending = this.pending.slice(newline + 1);
        return line;
      }
      if (this.ended) {
        const rest = this.pending;
        this.pending = '';
        return rest === '' ? null : rest;
      }
      const chunk = read(this.fd, 64 * 1024);
      if (chunk.length === 0) this.ended = true;
      else this.pending += decoder.decode(chunk, { stream: true });
    }
  }
}

/** Calls `each` per line of an input operand (newline kept) until it returns false or input ends. */
export function eachLine(path: string, each: (line: string) => boolean | void): void {
  const fd = openInput(path);
  try {
    const reader = new LineReader(fd);
    for (let line = reader.next(); line !== null; line = reader.next()) if (each(line) === false) return;
  } finally {
    closeInput(fd);
  }
}

/** Splits text into lines, dropping the empty piece after a final newline. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Joins a directory and a name without doubling the slash. */
export const joinPath = (dir: string, name: string): string => (dir.endsWith('/') ? dir + name : `${dir}/${name}`);

/** The last component of a path, as basename(1) computes it. */
export function baseName(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return path === '' ? '' : '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** Everything before the last component, as dirname(1) computes it. */
export function dirName(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return path.startsWith('/') ? '/' : '.';
  const slash = trimmed.lastIndexOf('/');
  if (slash < 0) return '.';
  return trimmed.slice(0, slash).replace(/\/+$/, '') || '/';
}

/** Whether `path` names a directory (following symlinks); false when it cannot be examined. */
export function isDirPath(path: string): boolean {
  try {
    return isDirectory(stat(path));
  } catch {
    return false;
  }
}

/**
 * Resolves `path` to an absolute path with no `.`, `..` or symlink components; the last component
 * need not exist (as `readlink -f` and `realpath` allow).
 */
export function canonicalPath(path: string, depth = 0): string {
  if (depth > 40) throw new SysError(Errno.ELOOP);
  const parts = (path.startsWith('/') ? path : `${getcwd()}/${path}`).split('/').filter((p) => p && p !== '.');
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part === '..') {
      out = out.slice(0, out.lastIndexOf('/'));
      continue;
    }
    const next = `${out}/${part}`;
    let isLink = false;
    try {
      isLink = isSymlink(lstat(next));
    } catch (error) {
      if (i !== parts.length - 1) throw error;
    }
    if (!isLink) {
      out = next;
      continue;
    }
    const target = readlink(next);
    const rest = parts.slice(i + 1).join('/');
    return canonicalPath(`${target.startsWith('/') ? target : `${out || '/'}/${target}`}${rest ? `/${rest}` : ''}`, depth + 1);
  }
  return out || '/';
}
