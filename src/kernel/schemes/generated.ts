/**
 * A base for schemes whose files are generated on open (`sys`, `proc`): the subclass resolves a
 * path to a node, which is either a directory (a list of names) or a file (text made on open,
 * optionally writable through a handler). Reads come from the snapshot taken at open.
 */
import { Errno, SysError } from '../../syscall/errno.ts';
import { DT_DIR, DT_REG, O_DIRECTORY, O_STAT, S_IFDIR, S_IFREG, SEEK_CUR, SEEK_END, SEEK_SET, canWrite } from '../../syscall/flags.ts';
import { encodeDirents } from '../../syscall/dirent.ts';
import { makeStat, type Stat } from '../../syscall/stat.ts';
import { HandleTable, SchemeBase, type Call, type MaybePromise } from '../scheme.ts';

export type GeneratedNode =
  | { kind: 'dir'; list: () => string[] }
  | { kind: 'file'; read: () => string; write?: (text: string, call: Call) => MaybePromise<void>; mode?: number };

interface OpenNode {
  path: string;
  node: GeneratedNode;
  content: Uint8Array;
  offset: number;
  listing: string[];
}

const encoder = new TextEncoder();

export abstract class GeneratedScheme extends SchemeBase {
  private readonly open_ = new HandleTable<OpenNode>();

  protected abstract lookup(path: string, call: Call): GeneratedNode | undefined;

  open(path: string, flags: number, call: Call): number {
    const node = this.lookup(path, call);
    if (!node) throw new SysError(Errno.ENOENT, `/scheme/${this.name}/${path}`);
    if (node.kind === 'dir' && canWrite(flags) && !(flags & O_STAT)) throw new SysError(Errno.EISDIR);
    if (node.kind === 'file' && flags & O_DIRECTORY) throw new SysError(Errno.ENOTDIR);
    if (node.kind === 'file' && canWrite(flags) && !node.write && !(flags & O_STAT)) throw new SysError(Errno.EACCES, `/scheme/${this.name}/${path} is read-only`);
    const content = node.kind === 'file' && !(flags & O_STAT) ? encoder.encode(node.read()) : new Uint8Array(0);
    const listing = node.kind === 'dir' ? node.list() : [];
    return this.open_.add({ path, node, content, offset: 0, listing });
  }

  close(id: number): void {
    this.open_.remove(id);
  }

  read(id: number, count: number): Uint8Array {
    const h = this.open_.get(id);
    if (h.node.kind === 'dir') throw new SysError(Errno.EISDIR);
    const out = h.content.slice(h.offset, h.offset + count);
    h.offset += out.length;
    return out;
  }

  async write(id: number, data: Uint8Array, call: Call): Promise<number> {
    const h = this.open_.get(id);
    if (h.node.kind !== 'file' || !h.node.write) throw new SysError(Errno.EBADF);
    await h.node.write(new TextDecoder().decode(data), call);
    return data.length;
  }

  seek(id: number, offset: number, whence: number): number {
    const h = this.open_.get(id);
    const base = whence === SEEK_SET ? 0 : whence === SEEK_CUR ? h.offset : whence === SEEK_END ? h.content.length : NaN;
    if (!(base + offset >= 0)) throw new SysError(Errno.EINVAL);
    h.offset = base + offset;
    return h.offset;
  }

  fstat(id: number): Stat {
    const h = this.open_.get(id);
    if (h.node.kind === 'dir') return makeStat({ mode: S_IFDIR | 0o555, nlink: 2 });
    const mode = h.node.mode ?? (h.node.write ? 0o644 : 0o444);
    return makeStat({ mode: S_IFREG | mode, nlink: 1, size: h.content.length });
  }

  getdents(id: number, maxBytes: number, call: Call): Uint8Array {
    const h = this.open_.get(id);
    if (h.node.kind !== 'dir') throw new SysError(Errno.ENOTDIR);
    const entries = h.listing.slice(h.offset).map((name) => {
      const child = this.lookup(h.path ? `${h.path}/${name}` : name, call);
      return { name, type: child?.kind === 'dir' ? DT_DIR : DT_REG };
    });
    const { bytes, count } = encodeDirents(entries, maxBytes);
    if (count === 0 && entries.length > 0) throw new SysError(Errno.EINVAL, 'buffer too small for a directory entry');
    h.offset += count;
    return bytes;
  }

  fpath(id: number): string {
    const h = this.open_.get(id);
    return h.path ? `/scheme/${this.name}/${h.path}` : `/scheme/${this.name}`;
  }
}
