/**
 * The `initfs` scheme: the boot archive, read-only. Directories are derived from the paths of the
 * archive's entries; symlinks inside the archive are followed (up to a limit).
 */
import { Errno, SysError } from '../../syscall/errno.ts';
import {
  DT_DIR, DT_LNK, DT_REG, O_DIRECTORY, O_SYMLINK, S_IFDIR, S_IFLNK, S_IFREG, SEEK_CUR, SEEK_END, SEEK_SET, canWrite, O_CREAT, O_TRUNC,
} from '../../syscall/flags.ts';
import { encodeDirents } from '../../syscall/dirent.ts';
import type { Initfs, InitfsEntry } from '../../syscall/initfs.ts';
import { makeStat, timeFields, type Stat } from '../../syscall/stat.ts';
import { HandleTable, SchemeBase } from '../scheme.ts';

interface Node {
  path: string;
  entry: InitfsEntry | null;
  children: Map<string, Node>;
}

interface Handle {
  node: Node;
  offset: number;
}

const MAX_SYMLINKS = 8;

export class InitfsScheme extends SchemeBase {
  readonly name = 'initfs';
  private readonly root: Node = { path: '', entry: null, children: new Map() };
  private readonly handles = new HandleTable<Handle>();
  private readonly inodes = new Map<Node, number>();

  constructor(private readonly fs: Initfs) {
    super();
    for (const entry of fs.entries.values()) this.insert(entry);
  }

  private insert(entry: InitfsEntry): void {
    let node = this.root;
    for (const part of entry.path.split('/').filter(Boolean)) {
      let child = node.children.get(part);
      if (!child) node.children.set(part, (child = { path: node.path ? `${node.path}/${part}` : part, entry: null, children: new Map() }));
      node = child;
    }
    node.entry = entry;
  }

  private lookup(path: string, followLast: boolean, depth = 0): Node {
    let node = this.root;
    const parts = path.split('/').filter(Boolean);
    for (let i = 0; i < parts.length; i++) {
      if (this.isDir(node) === false) throw new SysError(Errno.ENOTDIR, node.path);
      const child = node.children.get(parts[i]!);
      if (!child) throw new SysError(Errno.ENOENT, `/${parts.slice(0, i + 1).join('/')}`);
      const last = i === parts.length - 1;
      if (child.entry?.kind === 'symlink' && (!last || followLast)) {
        if (depth >= MAX_SYMLINKS) throw new SysError(Errno.ELOOP);
        const target = child.entry.target!;
        const base = target.startsWith('/') ? '' : node.path;
        return this.lookup([base, target, ...parts.slice(i + 1)].filter(Boolean).join('/'), followLast, depth + 1);
      }
      node = child;
    }
    return node;
  }

  private isDir(node: Node): boolean {
    return node.entry ? node.entry.kind === 'dir' : true;
  }

  open(path: string, flags: number): number {
    if (canWrite(flags) || flags & (O_CREAT | O_TRUNC)) {
      try {
        this.lookup(path, true);
      } catch (error) {
        if (flags & O_CREAT) throw new SysError(Errno.EROFS, '/scheme/initfs is read-only');
        throw error;
      }
      throw new SysError(Errno.EROFS, '/scheme/initfs is read-only');
    }
    const node = this.lookup(path, !(flags & O_SYMLINK));
    if (flags & O_DIRECTORY && !this.isDir(node)) throw new SysError(Errno.ENOTDIR, path);
    return this.handles.add({ node, offset: 0 });
  }

  close(id: number): void {
    this.handles.remove(id);
  }

  read(id: number, count: number): Uint8Array {
    const h = this.handles.get(id);
    if (this.isDir(h.node)) throw new SysError(Errno.EISDIR);
    const entry = h.node.entry!;
    const bytes = entry.kind === 'symlink' ? new TextEncoder().encode(entry.target) : this.fs.data.subarray(entry.offset, entry.offset + entry.size);
    const out = bytes.slice(h.offset, h.offset + count);
    h.offset += out.length;
    return out;
  }

  seek(id: number, offset: number, whence: number): number {
    const h = this.handles.get(id);
    const size = h.node.entry?.size ?? 0;
    const base = whence === SEEK_SET ? 0 : whence === SEEK_CUR ? h.offset : whence === SEEK_END ? size : NaN;
    if (!(base + offset >= 0)) throw new SysError(Errno.EINVAL);
    h.offset = base + offset;
    return h.offset;
  }

  fstat(id: number): Stat {
    return this.stat(this.handles.get(id).node);
  }

  private stat(node: Node): Stat {
    const entry = node.entry;
    const kind = entry?.kind ?? 'dir';
    const type = kind === 'dir' ? S_IFDIR : kind === 'symlink' ? S_IFLNK : S_IFREG;
    const mode = entry?.mode ?? 0o755;
    const t = timeFields(entry?.mtimeMs ?? 0);
    const size = kind === 'symlink' ? (entry!.target ?? '').length : (entry?.size ?? 0);
    return makeStat({
      dev: 1, ino: this.inode(node), mode: type | (mode & 0o7777), nlink: kind === 'dir' ? 2 : 1, size,
      blocks: Math.ceil(size / 512), atimeSec: t.sec, atimeNsec: t.nsec, mtimeSec: t.sec, mtimeNsec: t.nsec, ctimeSec: t.sec, ctimeNsec: t.nsec,
    });
  }

  private inode(node: Node): number {
    let ino = this.inodes.get(node);
    if (ino === undefined) this.inodes.set(node, (ino = this.inodes.size + 1));
    return ino;
  }

  getdents(id: number, maxBytes: number): Uint8Array {
    const h = this.handles.get(id);
    if (!this.isDir(h.node)) throw new SysError(Errno.ENOTDIR);
    const names = [...h.node.children.keys()].sort().slice(h.offset);
    const entries = names.map((name) => {
      const kind = h.node.children.get(name)!.entry?.kind ?? 'dir';
      return { name, type: kind === 'dir' ? DT_DIR : kind === 'symlink' ? DT_LNK : DT_REG };
    });
    const { bytes, count } = encodeDirents(entries, maxBytes);
    if (count === 0 && entries.length > 0) throw new SysError(Errno.EINVAL, 'buffer too small for a directory entry');
    h.offset += count;
    return bytes;
  }

  fpath(id: number): string {
    return '/scheme/initfs/' + this.handles.get(id).node.path;
  }

  readlink(path: string): string {
    const node = this.lookup(path, false);
    if (node.entry?.kind !== 'symlink') throw new SysError(Errno.EINVAL, `${path} is not a symbolic link`);
    return node.entry.target!;
  }

  private readOnly(): never {
    throw new SysError(Errno.EROFS, '/scheme/initfs is read-only');
  }
  mkdir(): void { this.readOnly(); }
  rmdir(): void { this.readOnly(); }
  unlink(): void { this.readOnly(); }
  rename(): void { this.readOnly(); }
  link(): void { this.readOnly(); }
  symlink(): void { this.readOnly(); }
  chmod(): void { this.readOnly(); }
  chown(): void { this.readOnly(); }
  ftruncate(): void { this.readOnly(); }
}
