/**
 * RedoxFS: the filesystem's public face. POSIX-shaped, synchronous operations on inode
 * numbers (the daemon resolves paths and checks permissions; `paths.ts` helps both it and the
 * host tool), plus transactions, snapshots, passwd, fsck and scrub.
 *
 * Rules:
 * - Every change belongs to the running transaction until `commit` (fsync = commit) makes it
 *   durable at once. Operations validate everything before changing anything, so an error
 *   other than EIO leaves the filesystem as it was, with one exception: a write that runs out
 *   of space part-way keeps the blocks it wrote (a short write; see `write`). An EIO part-way
 *   stops the filesystem (further calls fail) and the last commit stays intact on disk.
 * - Whatever a failed operation left changed is part of the transaction: commit takes it.
 * - A file unlinked while open (`retain`/`release`) lives on in the orphan directory until its
 *   last release, or until the next read-write mount after a crash.
 * - Errors are FsError with an errno name and a message naming the entry or inode.
 */

import { isNode, type Root } from './btree.ts';
import type { CryptoBackend, KdfParams } from './crypto.ts';
import { DEFAULT_KDF, portableCrypto } from './crypto.ts';
import { BLOCK_SIZE, type BlockDevice } from './device.ts';
import { Directories, type DirEntry } from './dirs.ts';
import { FsError, isFsError } from './errors.ts';
import { Files } from './files.ts';
import { fsck, scrub, type FsckReport, type ScrubReport } from './fsck.ts';
import {
  DT_DIR, DT_LNK, DT_REG, MAX_NAME, ORPHAN_INO, ROOT_INO, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, TreeKind,
  checkName, decodeSnapshot, encodeSnapshot,
  type InodeRecord, type Ptr, type Timespec, type TreeSpec,
} from './format.ts';
import { INODE_TREE, Inodes, isDir, isRegular, isSymlink, type InodeState } from './inodes.ts';
import { Volume, type Clock, type FormatOptions, type VolumeOptions } from './volume.ts';

export interface Attr {
  ino: number;
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  size: number;
  /** 512-byte units, as st_blocks. */
  blocks: number;
  blksize: number;
  atime: Timespec;
  mtime: Timespec;
  ctime: Timespec;
  btime: Timespec;
}

export interface SetAttr {
  /** Permission bits (07777); the file type never changes. */
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
  atime?: Timespec | 'now';
  mtime?: Timespec | 'now';
}

export interface StatVfs {
  blockSize: number;
  blocks: number;
  freeBlocks: number;
  availableBlocks: number;
  files: number;
  freeFiles: number;
  nameMax: number;
  readOnly: boolean;
  encrypted: boolean;
  uuid: string;
  generation: number;
}

export interface SnapshotInfo {
  id: number;
  name: string;
  generation: number;
  created: Timespec;
}

export interface MkfsOptions extends FormatOptions {
  /** Owner and permission bits of the root directory (default 0:0, 0755). */
  uid?: number;
  gid?: number;
  rootMode?: number;
}

export interface MountOptions extends VolumeOptions {
  /** Mount this snapshot (read-only) instead of the live filesystem. */
  snapshot?: string;
}

export type { DirEntry, FsckReport, ScrubReport };

const SNAPSHOT_TREE: TreeSpec = { kind: TreeKind.Snapshots, owner: 0 };
const MAX_LINKS = 65000;
/** A block is referenced at most once per tree, so this keeps every count within a u16. */
const MAX_SNAPSHOTS = 65000;
const MAX_SYMLINK = 4095;
const MAX_READ = 64 * 1024 * 1024;
/** Past this many dirty tree nodes (~64 MiB) an operation commits on its own. */
const AUTO_COMMIT_NODES = 16384;

function typeOf(mode: number): number {
  switch (mode & S_IFMT) {
    case S_IFDIR: return DT_DIR;
    case S_IFLNK: return DT_LNK;
    default: return DT_REG;
  }
}

export class RedoxFS {
  private readonly vol: Volume;
  private readonly inodes: Inodes;
  private readonly files: Files;
  private readonly dirs: Directories;
  private readonly openCounts = new Map<number, number>();
  private changed = false;
  private closed = false;
  private depth = 0;
  readonly rootIno = ROOT_INO;

  private constructor(vol: Volume) {
    this.vol = vol;
    this.inodes = new Inodes(vol);
    this.files = new Files(vol, this.inodes);
    this.dirs = new Directories(vol, this.inodes);
    vol.makeRoom = () => {
      this.changed = true;
      this.commit();
    };
  }

  /** Formats the device and returns the new filesystem mounted read-write. */
  static mkfs(device: BlockDevice, options: MkfsOptions = {}): RedoxFS {
    const fs = new RedoxFS(Volume.format(device, options));
    const dir = (ino: number, mode: number, uid: number, gid: number) =>
      fs.inodes.create({ ...fs.newRecord(S_IFDIR | mode, uid, gid), nlink: 2, parent: ino }, ino);
    dir(ROOT_INO, options.rootMode ?? 0o755, options.uid ?? 0, options.gid ?? 0);
    dir(ORPHAN_INO, 0o700, 0, 0);
    fs.changed = true;
    fs.commit();
    fs.vol.rewriteAllSlots();
    return fs;
  }

  static mount(device: BlockDevice, options: MountOptions = {}): RedoxFS {
    const readOnly = options.readOnly || options.snapshot !== undefined;
    const vol = Volume.open(device, { ...options, readOnly });
    const fs = new RedoxFS(vol);
    if (options.snapshot !== undefined) vol.liveRoot = fs.findSnapshot(options.snapshot).record.root;
    fs.inodes.get(ROOT_INO);
    if (!readOnly) fs.purgeOrphans();
    return fs;
  }

  // ---- helpers ----

  private now(): Timespec {
    return this.vol.clock();
  }

  private newRecord(mode: number, uid: number, gid: number): InodeRecord {
    const t = this.now();
    return { mode, uid, gid, nlink: 1, size: 0, blocks: 0, atime: t, mtime: t, ctime: t, btime: t, content: null, parent: 0 };
  }

  private check(): void {
    if (this.closed) throw new FsError('EBADF', 'the filesystem is unmounted');
    this.vol.checkUsable();
  }

  /** Runs a public operation; between operations, clean inode states are trimmed. */
  private op<T>(work: () => T): T {
    this.depth++;
    try {
      return work();
    } finally {
      if (--this.depth === 0) this.inodes.trim();
    }
  }

  /** Runs a change: read-only and stopped filesystems refuse; an EIO part-way stops it. */
  private mutate<T>(work: () => T): T {
    this.check();
    this.vol.checkWritable();
    try {
      if (this.depth === 0) this.vol.relieveSpacePressure();
      const result = this.op(work);
      this.changed = true;
      if (this.depth === 0 && this.vol.trees.dirtyNodes > AUTO_COMMIT_NODES) this.commit();
      return result;
    } catch (e) {
      // A failed operation may still have changed state (an early commit, a short write that
      // then failed): whatever it left is what readers see now, so the next commit must take it.
      if (this.hasUncommitted()) this.changed = true;
      if (!isFsError(e) || e.code === 'EIO') this.vol.poison(e);
      throw e;
    }
  }

  /**
   * Whether the running transaction holds changes: every change rewrites a tree node (an inode
   * record, a directory entry or a data pointer) or releases a block.
   */
  private hasUncommitted(): boolean {
    return this.vol.trees.dirtyNodes > 0 || this.vol.alloc.releasedOnCommit > 0;
  }

  private inode(ino: number): InodeState {
    this.check();
    return this.inodes.get(ino);
  }

  private dirInode(ino: number): InodeState {
    const st = this.inode(ino);
    if (!isDir(st)) throw new FsError('ENOTDIR', `inode ${ino} is not a directory`);
    return st;
  }

  private fileInode(ino: number): InodeState {
    const st = this.inode(ino);
    if (isDir(st)) throw new FsError('EISDIR', `inode ${ino} is a directory`);
    if (!isRegular(st)) throw new FsError('EINVAL', `inode ${ino} is not a regular file`);
    return st;
  }

  private touch(st: InodeState, fields: { a?: boolean; m?: boolean; c?: boolean }): void {
    const t = this.now();
    this.inodes.modify(st);
    if (fields.a) st.rec.atime = t;
    if (fields.m) st.rec.mtime = t;
    if (fields.c) st.rec.ctime = t;
  }

  // ---- names ----

  lookup(dir: number, name: string): number {
    return this.op(() => this.lookupIn(dir, name));
  }

  private lookupIn(dir: number, name: string): number {
    const d = this.dirInode(dir);
    if (name === '.') return d.ino;
    if (name === '..') return d.rec.parent;
    if (new TextEncoder().encode(name).length > MAX_NAME) throw new FsError('ENAMETOOLONG', `file name longer than ${MAX_NAME} bytes`);
    const entry = this.dirs.lookup(d, name);
    if (!entry) throw new FsError('ENOENT', `${name}: no such file or directory`);
    return entry.ino;
  }

  private checkNewEntry(d: InodeState, name: string): void {
    checkName(name);
    if (d.rec.nlink === 0) throw new FsError('ENOENT', `directory ${d.ino} has been removed`);
    if (this.dirs.lookup(d, name)) throw new FsError('EEXIST', `${name}: file exists`);
  }

  private addEntry(d: InodeState, name: string, st: InodeState): void {
    this.dirs.add(d, { name, ino: st.ino, type: typeOf(st.rec.mode) });
    this.touch(d, { m: true, c: true });
  }

  create(dir: number, name: string, mode = 0o644, uid = 0, gid = 0): Attr {
    return this.mutate(() => {
      const d = this.dirInode(dir);
      this.checkNewEntry(d, name);
      this.vol.ensureSpace(0);
      const st = this.inodes.create(this.newRecord(S_IFREG | (mode & 0o7777), uid, gid));
      this.addEntry(d, name, st);
      return this.attrOf(st);
    });
  }

  mkdir(dir: number, name: string, mode = 0o755, uid = 0, gid = 0): Attr {
    return this.mutate(() => {
      const d = this.dirInode(dir);
      this.checkNewEntry(d, name);
      if (d.rec.nlink >= MAX_LINKS) throw new FsError('EMLINK', `directory ${dir} has too many subdirectories`);
      this.vol.ensureSpace(0);
      const st = this.inodes.create({ ...this.newRecord(S_IFDIR | (mode & 0o7777), uid, gid), nlink: 2, parent: d.ino });
      this.addEntry(d, name, st);
      d.rec.nlink++;
      return this.attrOf(st);
    });
  }

  symlink(dir: number, name: string, target: string, uid = 0, gid = 0): Attr {
    return this.mutate(() => {
      const d = this.dirInode(dir);
      this.checkNewEntry(d, name);
      const bytes = new TextEncoder().encode(target);
      if (bytes.length === 0) throw new FsError('ENOENT', 'empty symlink target');
      if (bytes.length > MAX_SYMLINK) throw new FsError('ENAMETOOLONG', `symlink target longer than ${MAX_SYMLINK} bytes`);
      this.vol.ensureSpace(1);
      const st = this.inodes.create(this.newRecord(S_IFLNK | 0o777, uid, gid));
      this.files.write(st, 0, bytes);
      this.addEntry(d, name, st);
      return this.attrOf(st);
    });
  }

  readlink(ino: number): string {
    return this.op(() => this.readlinkOf(ino));
  }

  private readlinkOf(ino: number): string {
    const st = this.inode(ino);
    if (!isSymlink(st)) throw new FsError('EINVAL', `inode ${ino} is not a symlink`);
    return new TextDecoder().decode(this.files.read(st, 0, st.rec.size));
  }

  link(ino: number, dir: number, name: string): Attr {
    return this.mutate(() => {
      const st = this.inode(ino);
      const d = this.dirInode(dir);
      if (isDir(st)) throw new FsError('EPERM', `inode ${ino} is a directory: no hard links to directories`);
      if (st.rec.nlink === 0) throw new FsError('ENOENT', `inode ${ino} has been removed`);
      if (st.rec.nlink >= MAX_LINKS) throw new FsError('EMLINK', `inode ${ino} has too many links`);
      this.checkNewEntry(d, name);
      this.addEntry(d, name, st);
      st.rec.nlink++;
      this.touch(st, { c: true });
      return this.attrOf(st);
    });
  }

  unlink(dir: number, name: string): void {
    this.mutate(() => {
      const d = this.dirInode(dir);
      const st = this.inodes.get(this.lookupEntry(d, name));
      if (isDir(st)) throw new FsError('EISDIR', `${name}: is a directory`);
      this.dirs.remove(d, name);
      this.touch(d, { m: true, c: true });
      this.dropLink(st);
    });
  }

  rmdir(dir: number, name: string): void {
    this.mutate(() => {
      const d = this.dirInode(dir);
      if (name === '.') throw new FsError('EINVAL', 'cannot remove "."');
      if (name === '..') throw new FsError('ENOTEMPTY', 'cannot remove ".."');
      const st = this.inodes.get(this.lookupEntry(d, name));
      if (!isDir(st)) throw new FsError('ENOTDIR', `${name}: not a directory`);
      if (st.rec.size !== 0) throw new FsError('ENOTEMPTY', `${name}: directory not empty`);
      this.dirs.remove(d, name);
      this.touch(d, { m: true, c: true });
      d.rec.nlink--;
      this.dropDirectory(st);
    });
  }

  private lookupEntry(d: InodeState, name: string): number {
    if (name === '.' || name === '..') throw new FsError('EINVAL', `cannot remove "${name}"`);
    const entry = this.dirs.lookup(d, name);
    if (!entry) throw new FsError('ENOENT', `${name}: no such file or directory`);
    return entry.ino;
  }

  /** One name fewer; the inode goes when no name and no open handle is left. */
  private dropLink(st: InodeState): void {
    this.inodes.modify(st);
    st.rec.nlink--;
    st.rec.ctime = this.now();
    if (st.rec.nlink === 0) this.release0(st);
  }

  private dropDirectory(st: InodeState): void {
    this.inodes.modify(st);
    st.rec.nlink = 0;
    st.rec.ctime = this.now();
    this.release0(st);
  }

  private release0(st: InodeState): void {
    if (this.openCounts.has(st.ino)) this.dirs.add(this.inodes.get(ORPHAN_INO), { name: String(st.ino), ino: st.ino, type: typeOf(st.rec.mode) });
    else this.inodes.remove(st);
  }

  /**
   * Atomic rename, across directories, replacing the target as POSIX says: a file replaces a
   * file, a directory replaces an empty directory.
   */
  rename(srcDir: number, srcName: string, dstDir: number, dstName: string): void {
    this.mutate(() => {
      const sd = this.dirInode(srcDir);
      const dd = this.dirInode(dstDir);
      const src = this.inodes.get(this.lookupEntry(sd, srcName));
      if (dstName === '.' || dstName === '..') throw new FsError('EINVAL', `cannot rename onto "${dstName}"`);
      checkName(dstName);
      const dstEntry = this.dirs.lookup(dd, dstName);
      if (dstEntry?.ino === src.ino) return;
      const dst = dstEntry ? this.inodes.get(dstEntry.ino) : null;
      this.checkRename(src, dd, dst, dstName);
      this.moveEntry(sd, srcName, dd, dstName, src, dst);
    });
  }

  private checkRename(src: InodeState, dd: InodeState, dst: InodeState | null, dstName: string): void {
    if (dd.rec.nlink === 0) throw new FsError('ENOENT', `directory ${dd.ino} has been removed`);
    if (isDir(src)) {
      if (dst && !isDir(dst)) throw new FsError('ENOTDIR', `${dstName}: not a directory`);
      if (dst && dst.rec.size !== 0) throw new FsError('ENOTEMPTY', `${dstName}: directory not empty`);
      if (this.isWithin(dd, src.ino)) throw new FsError('EINVAL', 'cannot move a directory inside itself');
      if (!dst && dd.ino !== src.rec.parent && dd.rec.nlink >= MAX_LINKS) throw new FsError('EMLINK', `directory ${dd.ino} has too many subdirectories`);
    } else if (dst && isDir(dst)) {
      throw new FsError('EISDIR', `${dstName}: is a directory`);
    }
  }

  /** Whether `dir` is `ancestor` or lies below it. */
  private isWithin(dir: InodeState, ancestor: number): boolean {
    let st = dir;
    for (let depth = 0; depth < 1 << 20; depth++) {
      if (st.ino === ancestor) return true;
      if (st.ino === ROOT_INO || st.rec.parent === st.ino) return false;
      st = this.inodes.get(st.rec.parent);
    }
    throw new FsError('EIO', 'directory parents form a loop');
  }

  private moveEntry(sd: InodeState, srcName: string, dd: InodeState, dstName: string, src: InodeState, dst: InodeState | null): void {
    const entry = { name: dstName, ino: src.ino, type: typeOf(src.rec.mode) };
    if (dst) this.dirs.replace(dd, entry);
    else this.dirs.add(dd, entry);
    this.dirs.remove(sd, srcName);
    this.touch(sd, { m: true, c: true });
    this.touch(dd, { m: true, c: true });
    this.touch(src, { c: true });
    if (dst && isDir(dst)) {
      dd.rec.nlink--;
      this.dropDirectory(dst);
    } else if (dst) this.dropLink(dst);
    if (isDir(src) && sd.ino !== dd.ino) {
      sd.rec.nlink--;
      dd.rec.nlink++;
      src.rec.parent = dd.ino;
    }
  }

  // ---- open handles ----

  /** The daemon holds the inode open: it survives unlink until `release`. */
  retain(ino: number): void {
    this.inode(ino);
    this.openCounts.set(ino, (this.openCounts.get(ino) ?? 0) + 1);
  }

  release(ino: number): void {
    const count = this.openCounts.get(ino);
    if (!count) throw new FsError('EBADF', `inode ${ino} is not open`);
    if (count > 1) return void this.openCounts.set(ino, count - 1);
    this.openCounts.delete(ino);
    const st = this.inode(ino);
    if (st.rec.nlink === 0 && !this.vol.readOnly) {
      this.mutate(() => {
        this.dirs.remove(this.inodes.get(ORPHAN_INO), String(ino));
        this.inodes.remove(st);
      });
    }
  }

  private purgeOrphans(): void {
    const orphans = this.inodes.get(ORPHAN_INO);
    if (orphans.rec.size === 0) return;
    this.mutate(() => {
      for (const entry of this.dirs.list(orphans, 2, Number.MAX_SAFE_INTEGER)) {
        this.dirs.remove(orphans, entry.name);
        if (this.inodes.exists(entry.ino)) this.inodes.remove(this.inodes.get(entry.ino));
      }
    });
    this.commit();
  }

  // ---- attributes ----

  getattr(ino: number): Attr {
    return this.op(() => this.attrOf(this.inode(ino)));
  }

  private attrOf(st: InodeState): Attr {
    const r = st.rec;
    return {
      ino: st.ino, mode: r.mode, uid: r.uid, gid: r.gid, nlink: r.nlink, size: r.size,
      blocks: r.blocks * (BLOCK_SIZE / 512), blksize: BLOCK_SIZE,
      atime: { ...r.atime }, mtime: { ...r.mtime }, ctime: { ...r.ctime }, btime: { ...r.btime },
    };
  }

  setattr(ino: number, changes: SetAttr): Attr {
    for (const t of [changes.atime, changes.mtime]) if (t !== undefined && t !== 'now') checkTimespec(t);
    return this.mutate(() => {
      const st = this.inode(ino);
      if (changes.size !== undefined) this.checkSize(st, changes.size);
      this.inodes.modify(st);
      const r = st.rec;
      // The size first: it is the only part that can fail (ENOSPC), and it fails before changing anything.
      const resized = changes.size !== undefined && changes.size !== r.size;
      if (resized) this.files.truncate(st, changes.size!);
      if (changes.mode !== undefined) r.mode = (r.mode & S_IFMT) | (changes.mode & 0o7777);
      if (changes.uid !== undefined) r.uid = changes.uid;
      if (changes.gid !== undefined) r.gid = changes.gid;
      if (changes.atime !== undefined) r.atime = changes.atime === 'now' ? this.now() : { ...changes.atime };
      if (changes.mtime !== undefined) r.mtime = changes.mtime === 'now' ? this.now() : { ...changes.mtime };
      if (resized) r.mtime = this.now();
      r.ctime = this.now();
      return this.attrOf(st);
    });
  }

  private checkSize(st: InodeState, size: number): void {
    if (isDir(st)) throw new FsError('EISDIR', `inode ${st.ino} is a directory`);
    if (!isRegular(st)) throw new FsError('EINVAL', `inode ${st.ino} is not a regular file`);
    if (!Number.isSafeInteger(size) || size < 0) throw new FsError('EINVAL', `bad file size ${size}`);
  }

  // ---- data ----

  /** Reads up to `length` bytes (at most 64 MiB per call: a short read, as POSIX allows). */
  read(ino: number, offset: number, length: number): Uint8Array {
    checkRange(offset, length);
    return this.op(() => {
      const st = this.fileInode(ino);
      const data = this.files.read(st, offset, Math.min(length, MAX_READ));
      this.maybeUpdateAtime(st);
      return data;
    });
  }

  /** relatime: atime moves only when older than mtime/ctime or a day old, as Linux does. */
  private maybeUpdateAtime(st: InodeState): void {
    if (this.vol.readOnly || this.closed) return;
    const r = st.rec;
    const stale = !after(r.atime, r.mtime) || !after(r.atime, r.ctime) || this.now().sec - r.atime.sec > 86400;
    if (stale) this.mutate(() => this.touch(st, { a: true }));
  }

  /**
   * Writes `data` at `offset` and returns the bytes written. When space runs out part-way, the
   * blocks written so far stay (the file is consistent and its size covers them); with
   * `partial` the call then returns that short count, as POSIX write() does, and without it
   * throws ENOSPC all the same (for callers that want all or an error). A write that could land
   * nothing throws either way.
   */
  write(ino: number, offset: number, data: Uint8Array, options: { partial?: boolean } = {}): number {
    checkRange(offset, data.length);
    return this.mutate(() => {
      const st = this.fileInode(ino);
      const n = this.files.write(st, offset, data, true);
      this.touch(st, { m: true, c: true });
      if (n < data.length && !options.partial) {
        throw new FsError('ENOSPC', `no space left on the device (inode ${ino}: ${n} of ${data.length} bytes written)`);
      }
      return n;
    });
  }

  truncate(ino: number, size: number): void {
    this.setattr(ino, { size });
  }

  readdir(dir: number, cookie = 0, max = 1024): DirEntry[] {
    if (!Number.isSafeInteger(cookie) || cookie < 0) throw new FsError('EINVAL', `bad directory cookie ${cookie}`);
    return this.op(() => this.dirs.list(this.dirInode(dir), cookie, max));
  }

  statvfs(): StatVfs {
    this.check();
    const h = this.vol.header;
    const slop = this.vol.slop();
    const free = this.vol.alloc.freeBlocks;
    return {
      blockSize: BLOCK_SIZE, blocks: h.blockCount, freeBlocks: free, availableBlocks: Math.max(0, free - slop),
      files: this.inodes.inodeCount, freeFiles: Math.max(0, free - slop), nameMax: MAX_NAME,
      readOnly: this.vol.readOnly, encrypted: h.encrypted, uuid: formatUuid(h.uuid), generation: h.generation,
    };
  }

  // ---- transactions ----

  /** Makes every change so far durable at once (fsync). */
  commit(): void {
    this.check();
    if (this.vol.readOnly || !this.changed) return;
    this.flushInodes();
    this.vol.commit({ nextIno: this.inodes.nextIno, inodeCount: this.inodes.inodeCount });
    this.inodes.afterCommit();
    this.changed = false;
  }

  private flushInodes(): void {
    try {
      this.inodes.flushAll();
    } catch (e) {
      this.vol.poison(e);
      throw e;
    }
  }

  sync(): void {
    this.commit();
  }

  /** Commits and closes. A stopped filesystem (after an EIO) closes without committing. */
  unmount(): void {
    if (this.closed) return;
    if (!this.vol.readOnly && !this.vol.stopped) this.commit();
    this.closed = true;
  }

  get generation(): number {
    return this.vol.header.generation;
  }

  get readOnly(): boolean {
    return this.vol.readOnly;
  }

  /** Internals for fsck, scrub and tests; not for the daemon. */
  get volume(): Volume {
    return this.vol;
  }

  // ---- verification ----

  /** Checks the last committed state (commit first to include recent changes). */
  fsck(): FsckReport {
    this.check();
    return fsck(this.vol);
  }

  /** Reads every block of every file by path; reports damaged ones. */
  scrub(options: { snapshots?: boolean } = {}): ScrubReport {
    this.check();
    return scrub(this.vol, options);
  }

  // ---- snapshots ----

  private findSnapshot(name: string): { id: number; record: ReturnType<typeof decodeSnapshot> } {
    for (const [id, value] of this.vol.trees.entries(SNAPSHOT_TREE, this.vol.snapshotRoot)) {
      const record = decodeSnapshot(value, id);
      if (record.name === name) return { id, record };
    }
    throw new FsError('ENOENT', `no snapshot named ${JSON.stringify(name)}`);
  }

  snapshots(): SnapshotInfo[] {
    this.check();
    const out: SnapshotInfo[] = [];
    for (const [id, value] of this.vol.trees.entries(SNAPSHOT_TREE, this.vol.snapshotRoot)) {
      const r = decodeSnapshot(value, id);
      out.push({ id, name: r.name, generation: r.generation, created: r.created });
    }
    return out;
  }

  /** Takes a read-only snapshot of the live filesystem in O(1); commits first. */
  snapshotCreate(name: string): SnapshotInfo {
    checkName(name);
    const existing = this.snapshots();
    if (existing.some((s) => s.name === name)) throw new FsError('EEXIST', `snapshot ${JSON.stringify(name)} exists`);
    if (existing.length >= MAX_SNAPSHOTS) throw new FsError('EMLINK', `at most ${MAX_SNAPSHOTS} snapshots`);
    this.vol.checkWritable();
    this.commit();
    const root = this.liveRootPtr();
    const id = this.vol.header.nextSnapshotId;
    const record = { root, generation: this.vol.header.generation, created: this.now(), name };
    this.mutate(() => {
      this.vol.alloc.addRef(root.addr);
      this.vol.snapshotRoot = this.vol.trees.put(SNAPSHOT_TREE, this.vol.snapshotRoot, id, encodeSnapshot(record));
    });
    this.flushInodes();
    this.vol.commit({ nextSnapshotId: id + 1 });
    this.changed = false;
    return { id, name, generation: record.generation, created: record.created };
  }

  private liveRootPtr(): Ptr {
    const root: Root = this.vol.liveRoot;
    if (!root || isNode(root)) throw new FsError('EIO', 'the live tree is not committed');
    return root;
  }

  snapshotDelete(name: string): void {
    this.vol.checkWritable();
    const { id, record } = this.findSnapshot(name);
    this.commit();
    this.mutate(() => {
      this.vol.snapshotRoot = this.vol.trees.delete(SNAPSHOT_TREE, this.vol.snapshotRoot, id);
      this.vol.trees.drop(INODE_TREE, record.root);
    });
    this.commit();
  }

  /**
   * Makes the live filesystem what the snapshot holds; the snapshot stays. Open handles
   * (retain) are forgotten: the caller must drop them.
   */
  rollback(name: string): void {
    this.vol.checkWritable();
    const { record } = this.findSnapshot(name);
    this.commit();
    this.mutate(() => {
      this.vol.alloc.addRef(record.root.addr);
      const old = this.vol.liveRoot;
      this.vol.liveRoot = record.root;
      this.vol.trees.drop(INODE_TREE, old);
      this.inodes.reset();
      this.inodes.inodeCount = this.countInodes();
      this.openCounts.clear();
    });
    this.commit();
    this.purgeOrphans();
  }

  private countInodes(): number {
    let n = 0;
    for (const _ of this.vol.trees.entries(INODE_TREE, this.vol.liveRoot)) n++;
    return n;
  }

  // ---- keys ----

  /** Re-wraps the master key under a new password; no data is rewritten. */
  passwd(oldPassword: string, newPassword: string, options: { kdf?: KdfParams; crypto?: CryptoBackend } = {}): void {
    this.vol.checkWritable();
    this.commit();
    const kdf = this.vol.rewrapKey(oldPassword, newPassword, options.kdf ?? DEFAULT_KDF, options.crypto ?? portableCrypto);
    this.flushInodes();
    this.vol.commit({ kdf });
    this.vol.rewriteAllSlots();
  }
}

function checkRange(offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
    throw new FsError('EINVAL', `bad offset ${offset} or length ${length}`);
  }
}

function checkTimespec(t: Timespec): void {
  if (!Number.isSafeInteger(t.sec) || !Number.isInteger(t.nsec) || t.nsec < 0 || t.nsec > 999_999_999) {
    throw new FsError('EINVAL', `bad time ${JSON.stringify(t)}`);
  }
}

function after(a: Timespec, b: Timespec): boolean {
  return a.sec > b.sec || (a.sec === b.sec && a.nsec > b.nsec);
}

function formatUuid(bytes: Uint8Array): string {
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export type { Clock };
