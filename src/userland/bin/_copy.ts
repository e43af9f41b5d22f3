/**
 * Copying files and trees, shared by cp and mv (for moves across schemes): regular files by
 * content, symlinks as symlinks, directories recursively. Errors are reported per path and
 * counted; the copy goes on with the rest, as GNU cp does.
 */
import {
  O_CREAT, O_RDONLY, O_TRUNC, O_WRONLY, type Stat, chmod, chown, close, isDirectory, isRegular, isSymlink, lstat, mkdir, open, read,
  readdir, readlink, stat, stdout, symlink, unlink, write,
} from '../../libc/index.ts';
import { fail, usageError, type Spec } from '../lib/args.ts';
import { baseName, canonicalPath, isDirPath, joinPath } from './_io.ts';

/**
 * cp's and mv's operands, `SOURCE... DEST`: the (source, target) pairs, a target inside DEST when
 * it is a directory, or the usage status for a missing or non-directory destination.
 */
export function sourceTargetPairs(spec: Spec, operands: string[]): [string, string][] | number {
  if (operands.length === 0) return usageError(spec, 'missing file operand');
  if (operands.length === 1) return usageError(spec, `missing destination file operand after '${operands[0]}'`);
  const dest = operands.at(-1)!;
  const sources = operands.slice(0, -1);
  const intoDir = isDirPath(dest);
  if (!intoDir && sources.length > 1) return usageError(spec, `target '${dest}' is not a directory`);
  return sources.map((source) => [source, intoDir ? joinPath(dest, baseName(source)) : dest]);
}

export interface CopyOptions {
  name: string;
  recursive: boolean;
  /** Keep mode and ownership (times cannot be set yet: there is no utimens syscall). */
  preserve: boolean;
  /** Leave existing destination files alone (-n). */
  noClobber?: boolean;
  /** Remove a destination that cannot be opened for writing, then try again (-f). */
  force?: boolean;
  /** Print `'FROM' -> 'TO'` for each file copied (-v). */
  verbose?: boolean;
}

export class Copier {
  status = 0;
  constructor(readonly options: CopyOptions) {}

  private fail(subject: string, error: unknown): false {
    this.status = fail(this.options.name, subject, error);
    return false;
  }

  /** Copies `from` to `to` (the final name, not a directory to copy into); true on success. */
  copy(from: string, to: string, top = true): boolean {
    let st: Stat;
    try {
      st = top && !this.options.recursive ? stat(from) : lstat(from);
    } catch (error) {
      return this.fail(`cannot stat '${from}'`, error);
    }
    let exists = false;
    try {
      const existing = stat(to);
      exists = true;
      if (existing.dev === st.dev && existing.ino === st.ino) return this.fail(`'${from}' and '${to}' are the same file`, null);
    } catch {
      // The destination does not exist yet: the usual case.
    }
    if (isDirectory(st)) return this.copyDirectory(from, to, st);
    if (exists && this.options.noClobber) return true;
    if (this.options.verbose) stdout.write(`'${from}' -> '${to}'\n`);
    if (isSymlink(st)) return this.step(`cannot create symbolic link '${to}'`, () => symlink(readlink(from), to));
    // Devices cannot be recreated (no mknod) and may never end (/scheme/zero): a tree copy skips them.
    if (!top && !isRegular(st)) return this.fail(`cannot copy special file '${from}'`, null);
    const copy = (): void => {
      try {
        copyFile(from, to, st.mode & 0o777);
      } catch (error) {
        if (!exists || !this.options.force) throw error;
        unlink(to);
        copyFile(from, to, st.mode & 0o777);
      }
    };
    if (!this.step(`cannot create regular file '${to}'`, copy)) return false;
    return this.keep(to, st);
  }

  private copyDirectory(from: string, to: string, st: Stat): boolean {
    if (!this.options.recursive) {
      this.status = fail(this.options.name, `-r not specified; omitting directory '${from}'`, null);
      return false;
    }
    if (intoItself(from, to)) return this.fail(`cannot copy a directory, '${from}', into itself, '${to}'`, null);
    // The entries are read before the destination is made, so that a copy never lists its own output.
    let names: string[];
    try {
      names = readdir(from).map((d) => d.name).filter((n) => n !== '.' && n !== '..');
    } catch (error) {
      return this.fail(`cannot access '${from}'`, error);
    }
    let made = false;
    try {
      if (!isDirectory(stat(to))) return this.fail(`cannot overwrite non-directory '${to}' with directory '${from}'`, null);
    } catch {
      if (!this.step(`cannot create directory '${to}'`, () => mkdir(to, (st.mode & 0o777) | 0o700))) return false;
      made = true;
    }
    let ok = true;
    for (const name of names.sort()) ok = this.copy(joinPath(from, name), joinPath(to, name), false) && ok;
    if (made || this.options.preserve) ok = this.step(`preserving permissions for '${to}'`, () => chmod(to, st.mode & 0o7777)) && ok;
    return this.keep(to, st) && ok;
  }

  private keep(to: string, st: Stat): boolean {
    if (!this.options.preserve) return true;
    return this.step(`preserving permissions for '${to}'`, () => chmod(to, st.mode & 0o7777)) &&
      this.step(`failed to preserve ownership for '${to}'`, () => chown(to, st.uid, st.gid));
  }

  private step(subject: string, action: () => void): boolean {
    try {
      action();
      return true;
    } catch (error) {
      return this.fail(subject, error);
    }
  }
}

/**
 * True when the directory `to` is `from` or lies inside it, by resolved paths (so `cp -r /tmp/d d/x`
 * from /tmp is caught as well as `cp -r d d/x`); by the spelled paths when either cannot be resolved.
 */
function intoItself(from: string, to: string): boolean {
  const inside = (a: string, b: string): boolean => `${b.replace(/\/+$/, '')}/`.startsWith(`${a.replace(/\/+$/, '')}/`);
  if (inside(from, to)) return true;
  try {
    return inside(canonicalPath(from), canonicalPath(to));
  } catch {
    return false;
  }
}

/** Copies the bytes of `from` into `to`, creating or truncating it with `mode`. */
export function copyFile(from: string, to: string, mode: number): void {
  const input = open(from, O_RDONLY);
  try {
    const output = open(to, O_WRONLY | O_CREAT | O_TRUNC, mode);
    try {
      for (let chunk = read(input, 64 * 1024); chunk.length > 0; chunk = read(input, 64 * 1024)) write(output, chunk);
    } finally {
      close(output);
    }
  } finally {
    close(input);
  }
}
