/**
 * ramfs: a RAM filesystem daemon serving a scheme (default `file`, the root). It starts as a copy
 * of a source tree (default the initfs, without /boot), so the system has a writable root until
 * RedoxFS serves it. POSIX semantics: O_CREAT/O_EXCL/O_TRUNC/O_APPEND/O_DIRECTORY, permission
 * checks against the caller's uid/gid, hard links, symlinks, atomic rename.
 * Usage: ramfs [SCHEME] [SOURCE]
 */
import { encodeDirents } from '../../syscall/dirent.ts';
import { Errno, SysError } from '../../syscall/errno.ts';
import {
  O_APPEND, O_CREAT, O_DIRECTORY, O_EXCL, O_STAT, O_SYMLINK, O_TRUNC, S_IFREG, SEEK_CUR, SEEK_END, SEEK_SET,
  canRead, canWrite, dtypeOfMode,
} from '../../syscall/flags.ts';
import type { FileTimes, Stat, StatVfs } from '../../syscall/stat.ts';

const RAM_BLOCK = 4096;
/** What the daemon's files may hold: its default 128 MiB heap limit, less room to work. */
const RAM_BUDGET = 96 * 1024 * 1024;
import { eprint, lstat, readFile, readdir, readlink, setrens, isDirectory, isSymlink } from '../../libc/index.ts';
import { SchemeServer, type Requester, type SchemeHandler } from '../../libc/scheme.ts';
import { R, RamTree, W, checkAccess, type Inode } from '../lib/ramfs_tree.ts';

interface Handle {
  node: Inode;
  offset: number;
  flags: number;
  path: string;
}

class RamfsHandler implements SchemeHandler {
  private readonly handles = new Map<number, Handle>();
  private nextId = 1;

  constructor(private readonly tree: RamTree) {}

  private handle(id: number): Handle {
    const h = this.handles.get(id);
    if (!h) throw new SysError(Errno.EBADF);
    return h;
  }

  open(path: string, flags: number, who: Requester): number {
    const node = flags & O_CREAT
      ? this.tree.create(path, S_IFREG | (flags & 0o7777), who, (flags & O_EXCL) !== 0)
      : this.tree.lookup(path, who, !(flags & O_SYMLINK));
    if (flags & O_DIRECTORY && !node.isDir) throw new SysError(Errno.ENOTDIR, path);
    if (!(flags & O_STAT)) {
      if (node.isDir && canWrite(flags)) throw new SysError(Errno.EISDIR, path);
      if (canRead(flags)) checkAccess(node, who, R, path);
      if (canWrite(flags)) checkAccess(node, who, W, path);
    }
    if (flags & O_TRUNC && canWrite(flags) && node.isFile) {
      node.setSize(0);
      node.touch(true);
    }
    const id = this.nextId++;
    this.handles.set(id, { node, offset: 0, flags, path });
    return id;
  }

  close(id: number): void {
    this.handles.delete(id);
  }

  read(id: number, count: number): Uint8Array {
    const h = this.handle(id);
    if (h.node.isDir) throw new SysError(Errno.EISDIR);
    const end = Math.min(h.node.size, h.offset + count);
    const out = h.offset < end ? h.node.data.slice(h.offset, end) : new Uint8Array(0);
    h.offset += out.length;
    h.node.atimeMs = Date.now();
    return out;
  }

  write(id: number, data: Uint8Array, _who: Requester, flags: number): number {
    const h = this.handle(id);
    if (!h.node.isFile) throw new SysError(Errno.EBADF);
    if ((flags | h.flags) & O_APPEND) h.offset = h.node.size;
    const end = h.offset + data.length;
    if (end > h.node.size) h.node.setSize(end);
    h.node.data.set(data, h.offset);
    h.offset = end;
    h.node.touch(true);
    return data.length;
  }

  seek(id: number, offset: number, whence: number): number {
    const h = this.handle(id);
    const base = whence === SEEK_SET ? 0 : whence === SEEK_CUR ? h.offset : whence === SEEK_END ? h.node.size : NaN;
    if (!(base + offset >= 0)) throw new SysError(Errno.EINVAL);
    h.offset = base + offset;
    return h.offset;
  }

  fstat(id: number): Stat {
    return this.handle(id).node.stat();
  }

  ftruncate(id: number, length: number): void {
    const h = this.handle(id);
    if (!h.node.isFile) throw new SysError(Errno.EINVAL);
    h.node.setSize(length);
    h.node.touch(true);
  }

  getdents(id: number, maxBytes: number): Uint8Array {
    const h = this.handle(id);
    if (!h.node.isDir) throw new SysError(Errno.ENOTDIR);
    const entries = [...h.node.entries].slice(h.offset).map(([name, node]) => ({ name, type: dtypeOfMode(node.mode) }));
    const { bytes, count } = encodeDirents(entries, maxBytes);
    if (count === 0 && entries.length > 0) throw new SysError(Errno.EINVAL, 'buffer too small for a directory entry');
    h.offset += count;
    return bytes;
  }

  fpath(id: number): string {
    return this.handle(id).path;
  }

  /** POSIX: explicit times are the owner's (or root's) to set; "now" also for anyone who may write. */
  futimens(id: number, times: FileTimes, who: Requester): void {
    const h = this.handle(id);
    const onlyNow = (times.atime === 'now' || times.atime === undefined) && (times.mtime === 'now' || times.mtime === undefined);
    const owner = who.uid === 0 || who.uid === h.node.uid;
    if (!owner && !onlyNow) throw new SysError(Errno.EPERM, h.path);
    if (!owner) checkAccess(h.node, who, W, h.path);
    const ms = (t: FileTimes['atime'], old: number): number => (t === undefined ? old : t === 'now' ? Date.now() : t.sec * 1000 + t.nsec / 1e6);
    h.node.atimeMs = ms(times.atime, h.node.atimeMs);
    h.node.mtimeMs = ms(times.mtime, h.node.mtimeMs);
    h.node.touch(false);
  }

  /** RAM is the limit: the daemon's heap budget, less what the files hold. */
  fstatvfs(): StatVfs {
    const { bytes, inodes } = this.tree.usage();
    const blocks = RAM_BUDGET / RAM_BLOCK;
    const used = Math.ceil(bytes / RAM_BLOCK);
    const free = Math.max(0, blocks - used);
    return { type: 'ramfs', blockSize: RAM_BLOCK, blocks, freeBlocks: free, availableBlocks: free, files: inodes, freeFiles: free, nameMax: 255, readOnly: false };
  }

  fchmod(id: number, mode: number, who: Requester): void {
    const h = this.handle(id);
    this.tree.chmod(h.node, mode, who, h.path);
  }

  fchown(id: number, uid: number, gid: number, who: Requester): void {
    const h = this.handle(id);
    this.tree.chown(h.node, uid, gid, who, h.path);
  }

  mkdir(path: string, mode: number, who: Requester): void {
    this.tree.mkdir(path, mode, who);
  }
  rmdir(path: string, who: Requester): void {
    this.tree.rmdir(path, who);
  }
  unlink(path: string, who: Requester): void {
    this.tree.unlink(path, who);
  }
  rename(from: string, to: string, who: Requester): void {
    this.tree.rename(from, to, who);
  }
  link(from: string, to: string, who: Requester): void {
    this.tree.link(from, to, who);
  }
  symlink(target: string, path: string, who: Requester): void {
    this.tree.symlink(target, path, who);
  }
  readlink(path: string, who: Requester): string {
    const node = this.tree.lookup(path, who, false);
    if (!node.isSymlink) throw new SysError(Errno.EINVAL, `${path} is not a symbolic link`);
    return node.target;
  }
  chmod(path: string, mode: number, who: Requester): void {
    this.tree.chmod(this.tree.lookup(path, who, true), mode, who, path);
  }
  chown(path: string, uid: number, gid: number, who: Requester): void {
    this.tree.chown(this.tree.lookup(path, who, true), uid, gid, who, path);
  }
}

const ROOT = { uid: 0, gid: 0 };

/** Copies a tree from the source scheme, keeping modes; skips /boot (the bootloader's). */
function populate(tree: RamTree, source: string, inside = ''): void {
  for (const entry of readdir(`${source}/${inside}`)) {
    const from = `${source}/${inside}${entry.name}`;
    const to = `${inside}${entry.name}`;
    if (to === 'boot') continue;
    const info = lstat(from);
    if (isSymlink(info)) tree.symlink(readlink(from), to, ROOT);
    else if (isDirectory(info)) {
      tree.mkdir(to, info.mode, ROOT);
      populate(tree, source, `${to}/`);
    } else {
      const node = tree.create(to, info.mode, ROOT, true);
      const data = readFile(from);
      node.setSize(data.length);
      node.data.set(data);
    }
  }
}

function ensureDir(tree: RamTree, path: string, mode: number): void {
  try {
    tree.lookup(path, ROOT, true);
  } catch (error) {
    if (!(error instanceof SysError && error.errno === Errno.ENOENT)) throw error;
    tree.mkdir(path, mode, ROOT);
  }
}

export function main(args: string[]): number {
  const schemeName = args[1] ?? 'file';
  const source = args[2] ?? '/scheme/initfs';
  const tree = new RamTree();
  try {
    if (source !== 'none') populate(tree, source);
  } catch (error) {
    eprint(`ramfs: cannot copy ${source}: ${(error as Error).message}`);
    return 1;
  }
  ensureDir(tree, 'tmp', 0o1777);
  ensureDir(tree, 'root', 0o700);
  ensureDir(tree, 'home', 0o755);
  const server = SchemeServer.register(schemeName);
  setrens([]);
  server.serve(new RamfsHandler(tree));
  return 0;
}
