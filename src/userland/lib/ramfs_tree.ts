/**
 * The in-memory filesystem behind the ramfs daemon: inodes (files, directories, symlinks), path
 * walking with symlinks, POSIX permission checks against the caller's uid/gid, and the
 * operations of the file scheme. Throws SysError with the errno POSIX gives for each misuse.
 */
import { Errno, SysError } from '../../syscall/errno.ts';
import { S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from '../../syscall/flags.ts';
import { makeStat, type Stat } from '../../syscall/stat.ts';

export interface Who {
  uid: number;
  gid: number;
}

export const R = 4, W = 2, X = 1;
const MAX_SYMLINKS = 16;

export class Inode {
  nlink = 0;
  atimeMs = Date.now();
  mtimeMs = this.atimeMs;
  ctimeMs = this.atimeMs;
  data = new Uint8Array(0);
  size = 0;
  readonly entries = new Map<string, Inode>();
  parent: Inode | null = null;
  target = '';
  constructor(
    readonly ino: number,
    public mode: number,
    public uid: number,
    public gid: number,
  ) {}

  get isDir(): boolean {
    return (this.mode & S_IFMT) === S_IFDIR;
  }
  get isSymlink(): boolean {
    return (this.mode & S_IFMT) === S_IFLNK;
  }
  get isFile(): boolean {
    return (this.mode & S_IFMT) === S_IFREG;
  }

  touch(data: boolean): void {
    const now = Date.now();
    this.ctimeMs = now;
    if (data) this.mtimeMs = now;
  }

  setSize(size: number): void {
    if (size > this.data.length) {
      const grown = new Uint8Array(Math.max(size, Math.min(this.data.length * 2, size + (64 << 20))));
      grown.set(this.data.subarray(0, this.size));
      this.data = grown;
    } else if (size < this.size) {
      this.data.fill(0, size, this.size);
    }
    this.size = size;
  }

  stat(): Stat {
    const t = (ms: number): [number, number] => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];
    const [as, an] = t(this.atimeMs), [ms, mn] = t(this.mtimeMs), [cs, cn] = t(this.ctimeMs);
    const size = this.isSymlink ? new TextEncoder().encode(this.target).length : this.isDir ? this.entries.size : this.size;
    return makeStat({
      dev: 2, ino: this.ino, mode: this.mode, nlink: this.nlink, uid: this.uid, gid: this.gid, size,
      blocks: Math.ceil(this.size / 512), atimeSec: as, atimeNsec: an, mtimeSec: ms, mtimeNsec: mn, ctimeSec: cs, ctimeNsec: cn,
    });
  }
}

export function allowed(node: Inode, who: Who, want: number): boolean {
  if (who.uid === 0) return want & X ? (node.mode & 0o111) !== 0 || node.isDir : true;
  const bits = who.uid === node.uid ? (node.mode >> 6) & 7 : who.gid === node.gid ? (node.mode >> 3) & 7 : node.mode & 7;
  return (bits & want) === want;
}

function check(node: Inode, who: Who, want: number, path: string): void {
  if (!allowed(node, who, want)) throw new SysError(Errno.EACCES, path);
}

function splitPath(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}

export class RamTree {
  private nextIno = 1;
  readonly root: Inode;

  constructor() {
    this.root = this.make(S_IFDIR | 0o755, 0, 0);
    this.root.nlink = 2;
    this.root.parent = this.root;
  }

  /** Bytes held by file data and the number of live inodes, for statvfs. */
  usage(): { bytes: number; inodes: number } {
    let bytes = 0;
    let inodes = 0;
    const seen = new Set<Inode>();
    const visit = (node: Inode): void => {
      if (seen.has(node)) return;
      seen.add(node);
      inodes++;
      bytes += node.data.length;
      for (const child of node.entries.values()) visit(child);
    };
    visit(this.root);
    return { bytes, inodes };
  }

  make(mode: number, uid: number, gid: number): Inode {
    return new Inode(this.nextIno++, mode, uid, gid);
  }

  /** Walks `path`; follows a final symlink when `followLast`. */
  lookup(path: string, who: Who, followLast: boolean): Inode {
    return this.walk(splitPath(path), who, followLast, 0).node;
  }

  /** The parent directory of `path` and the last name in it (which may not exist yet). */
  parentOf(path: string, who: Who): { dir: Inode; name: string } {
    const parts = splitPath(path);
    const name = parts.pop();
    if (name === undefined) throw new SysError(Errno.EBUSY, 'the root directory');
    if (name === '..') throw new SysError(Errno.EINVAL, path);
    const { node: dir } = this.walk(parts, who, true, 0);
    if (!dir.isDir) throw new SysError(Errno.ENOTDIR, path);
    check(dir, who, X, path);
    return { dir, name };
  }

  private walk(parts: string[], who: Who, followLast: boolean, depth: number): { node: Inode } {
    let node = this.root;
    for (let i = 0; i < parts.length; i++) {
      if (!node.isDir) throw new SysError(Errno.ENOTDIR, parts.slice(0, i).join('/'));
      check(node, who, X, '/' + parts.slice(0, i).join('/'));
      const part = parts[i]!;
      const next = part === '..' ? node.parent! : node.entries.get(part);
      if (!next) throw new SysError(Errno.ENOENT, '/' + parts.slice(0, i + 1).join('/'));
      const last = i === parts.length - 1;
      if (next.isSymlink && (!last || followLast)) {
        if (depth >= MAX_SYMLINKS) throw new SysError(Errno.ELOOP);
        const base = next.target.startsWith('/') ? [] : this.pathParts(node);
        return this.walk([...base, ...splitPath(next.target), ...parts.slice(i + 1)], who, followLast, depth + 1);
      }
      node = next;
    }
    return { node };
  }

  private pathParts(dir: Inode): string[] {
    const parts: string[] = [];
    for (let node = dir; node !== this.root; node = node.parent!) {
      const parent = node.parent!;
      const name = [...parent.entries].find(([, child]) => child === node)?.[0];
      if (name === undefined) break;
      parts.unshift(name);
    }
    return parts;
  }

  pathOf(node: Inode): string {
    return node.isDir ? this.pathParts(node).join('/') : '';
  }

  private attach(dir: Inode, name: string, node: Inode): void {
    dir.entries.set(name, node);
    node.nlink++;
    if (node.isDir) {
      node.parent = dir;
      node.nlink++;
      dir.nlink++;
    }
    dir.touch(true);
  }

  private detach(dir: Inode, name: string, node: Inode): void {
    dir.entries.delete(name);
    node.nlink--;
    if (node.isDir) {
      node.nlink--;
      dir.nlink--;
    }
    node.touch(false);
    dir.touch(true);
  }

  create(path: string, mode: number, who: Who, exclusive: boolean): Inode {
    const { dir, name } = this.parentOf(path, who);
    const existing = dir.entries.get(name);
    if (existing) {
      if (exclusive) throw new SysError(Errno.EEXIST, path);
      return existing.isSymlink ? this.lookup(path, who, true) : existing;
    }
    check(dir, who, W, path);
    const node = this.make(mode, who.uid, who.gid);
    this.attach(dir, name, node);
    return node;
  }

  mkdir(path: string, mode: number, who: Who): Inode {
    const { dir, name } = this.parentOf(path, who);
    if (dir.entries.has(name)) throw new SysError(Errno.EEXIST, path);
    check(dir, who, W, path);
    const node = this.make(S_IFDIR | (mode & 0o7777), who.uid, who.gid);
    this.attach(dir, name, node);
    return node;
  }

  symlink(target: string, path: string, who: Who): void {
    const { dir, name } = this.parentOf(path, who);
    if (dir.entries.has(name)) throw new SysError(Errno.EEXIST, path);
    check(dir, who, W, path);
    const node = this.make(S_IFLNK | 0o777, who.uid, who.gid);
    node.target = target;
    this.attach(dir, name, node);
  }

  link(from: string, to: string, who: Who): void {
    const node = this.lookup(from, who, false);
    if (node.isDir) throw new SysError(Errno.EPERM, `${from} is a directory`);
    const { dir, name } = this.parentOf(to, who);
    if (dir.entries.has(name)) throw new SysError(Errno.EEXIST, to);
    check(dir, who, W, to);
    this.attach(dir, name, node);
  }

  unlink(path: string, who: Who): void {
    const { dir, name } = this.parentOf(path, who);
    const node = dir.entries.get(name);
    if (!node) throw new SysError(Errno.ENOENT, path);
    if (node.isDir) throw new SysError(Errno.EISDIR, path);
    this.checkRemovable(dir, node, who, path);
    this.detach(dir, name, node);
  }

  rmdir(path: string, who: Who): void {
    const { dir, name } = this.parentOf(path, who);
    const node = dir.entries.get(name);
    if (!node) throw new SysError(Errno.ENOENT, path);
    if (!node.isDir) throw new SysError(Errno.ENOTDIR, path);
    if (node.entries.size > 0) throw new SysError(Errno.ENOTEMPTY, path);
    this.checkRemovable(dir, node, who, path);
    this.detach(dir, name, node);
  }

  private checkRemovable(dir: Inode, node: Inode, who: Who, path: string): void {
    check(dir, who, W, path);
    const sticky = (dir.mode & 0o1000) !== 0;
    if (sticky && who.uid !== 0 && who.uid !== node.uid && who.uid !== dir.uid) throw new SysError(Errno.EPERM, path);
  }

  rename(from: string, to: string, who: Who): void {
    const src = this.parentOf(from, who);
    const node = src.dir.entries.get(src.name);
    if (!node) throw new SysError(Errno.ENOENT, from);
    const dst = this.parentOf(to, who);
    this.checkRemovable(src.dir, node, who, from);
    check(dst.dir, who, W, to);
    if (node.isDir) {
      for (let up: Inode = dst.dir; ; up = up.parent!) {
        if (up === node) throw new SysError(Errno.EINVAL, `cannot move ${from} into itself`);
        if (up === this.root) break;
      }
    }
    const replaced = dst.dir.entries.get(dst.name);
    if (replaced === node) return;
    if (replaced) {
      if (node.isDir && !replaced.isDir) throw new SysError(Errno.ENOTDIR, to);
      if (!node.isDir && replaced.isDir) throw new SysError(Errno.EISDIR, to);
      if (replaced.isDir && replaced.entries.size > 0) throw new SysError(Errno.ENOTEMPTY, to);
      this.detach(dst.dir, dst.name, replaced);
    }
    this.detach(src.dir, src.name, node);
    this.attach(dst.dir, dst.name, node);
  }

  chmod(node: Inode, mode: number, who: Who, path: string): void {
    if (who.uid !== 0 && who.uid !== node.uid) throw new SysError(Errno.EPERM, path);
    node.mode = (node.mode & S_IFMT) | (mode & 0o7777);
    node.touch(false);
  }

  chown(node: Inode, uid: number, gid: number, who: Who, path: string): void {
    const changesOwner = uid !== -1 && uid !== 0xffffffff && uid !== node.uid;
    const newGid = gid >= 0 && gid !== 0xffffffff ? gid : node.gid;
    // A user may give their own file only to their own group; anything else is root's.
    if (who.uid !== 0 && (changesOwner || who.uid !== node.uid || (newGid !== node.gid && newGid !== who.gid))) throw new SysError(Errno.EPERM, path);
    if (uid >= 0 && uid !== 0xffffffff) node.uid = uid;
    if (gid >= 0 && gid !== 0xffffffff) node.gid = gid;
    node.touch(false);
  }
}

export { check as checkAccess };
