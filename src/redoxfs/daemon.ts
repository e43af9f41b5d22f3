/**
 * The RedoxFS daemon: serves a RedoxFS volume as a scheme (the `file` scheme, the root) over the
 * kernel's scheme protocol, with POSIX semantics: O_CREAT/O_EXCL/O_TRUNC/O_APPEND/O_DIRECTORY,
 * permission checks against the caller's uid/gid from each request (search permission on every
 * directory walked), hard links, symlinks, atomic rename, files held open across unlink.
 *
 * Durability: fsync commits a transaction (RedoxFS writes the new blocks, flushes, then the new
 * header) before it answers. Besides, whenever no request is waiting the daemon commits what has
 * changed, so a quiet system is always committed. SIGTERM commits and unmounts, then exits.
 */
import { encodeDirents } from '../syscall/dirent.ts';
import { Errno, SysError } from '../syscall/errno.ts';
import {
  EVENT_READ, F_GETFL, F_SETFL, O_APPEND, O_CREAT, O_RDWR, O_DIRECTORY, O_EXCL, O_NONBLOCK, O_STAT, O_SYMLINK, O_TRUNC, SEEK_CUR, SEEK_END,
  SEEK_SET, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, canRead, canWrite,
} from '../syscall/flags.ts';
import { decodeRequest } from '../syscall/packet.ts';
import { SIGTERM } from '../syscall/signal.ts';
import { DATA_CAPACITY, IO_MAX } from '../syscall/slot.ts';
import { makeStat, type FileTimes, type Stat, type StatVfs } from '../syscall/stat.ts';
import { EventQueue } from '../libc/event.ts';
import { fcntl, fsync, lseek, open, read, write } from '../libc/fs.ts';
import { signal } from '../libc/signal.ts';
import { eprint } from '../libc/stdio.ts';
import { SchemeServer, type Requester, type SchemeHandler } from '../libc/scheme.ts';
import { BLOCK_SIZE, type BlockDevice } from './device.ts';
import { isFsError } from './errors.ts';
import type { Attr, RedoxFS } from './fs.ts';
import { ROOT_INO } from './format.ts';
import { R_OK, W_OK, X_OK, checkAccess } from './perm.ts';
import { PageCache, type FileCache } from './page_cache.ts';
import { SnapshotControlServer } from './snapshot_control.ts';

const MAX_SYMLINKS = 40;

/** Unflushed writes held before they go to the disk in runs (the device contract allows it). */
const WRITE_BACK_BLOCKS = 2048;
/** A single-block read fetches this many blocks from the disk: one round trip instead of 32. */
const READ_AHEAD_BLOCKS = 32;
/** Blocks kept from earlier reads (16 MiB), least recently used out. */
const READ_CACHE_BLOCKS = 4096;

/**
 * A block device over a file descriptor (the disk the kernel's `hw` scheme hands the daemon).
 * Writes are held until flush (or until 8 MiB are held) and then sent as runs of consecutive
 * blocks, one syscall pair per run instead of per block; reads see held writes first. A read of
 * one block that is not held or remembered reads ahead, since each disk read is a round trip
 * through the kernel to the host.
 */
export class FdBlockDevice implements BlockDevice {
  readonly blockSize = BLOCK_SIZE;
  private readonly held = new Map<number, Uint8Array>();
  private readonly recent = new Map<number, Uint8Array>();

  constructor(
    private readonly fd: number,
    readonly blockCount: number,
  ) {}

  read(block: number, out: Uint8Array): void {
    this.readBlocks(block, out);
  }

  readBlocks(first: number, out: Uint8Array): void {
    if (out.length === BLOCK_SIZE) {
      out.set(this.held.get(first) ?? this.remembered(first) ?? this.readAhead(first));
      return;
    }
    this.readDisk(first, out);
    if (this.held.size === 0) return;
    for (let i = 0; i < out.length / BLOCK_SIZE; i++) {
      const pending = this.held.get(first + i);
      if (pending) out.set(pending, i * BLOCK_SIZE);
    }
  }

  private remembered(block: number): Uint8Array | undefined {
    const data = this.recent.get(block);
    if (data) {
      this.recent.delete(block);
      this.recent.set(block, data);
    }
    return data;
  }

  /** Reads `first` and the blocks after it, remembers them all, and returns `first`'s bytes. */
  private readAhead(first: number): Uint8Array {
    if (!Number.isInteger(first) || first < 0 || first >= this.blockCount) throw new RangeError(`block ${first} is outside the disk`);
    const count = Math.min(READ_AHEAD_BLOCKS, this.blockCount - first);
    const run = new Uint8Array(count * BLOCK_SIZE);
    this.readDisk(first, run);
    for (let i = 0; i < count; i++) {
      const block = first + i;
      this.recent.delete(block);
      this.recent.set(block, this.held.get(block) ?? run.slice(i * BLOCK_SIZE, (i + 1) * BLOCK_SIZE));
    }
    for (const block of this.recent.keys()) {
      if (this.recent.size <= READ_CACHE_BLOCKS) break;
      this.recent.delete(block);
    }
    return this.recent.get(first)!;
  }

  private readDisk(first: number, out: Uint8Array): void {
    lseek(this.fd, first * BLOCK_SIZE, SEEK_SET);
    let done = 0;
    while (done < out.length) {
      const chunk = read(this.fd, Math.min(out.length - done, IO_MAX));
      if (chunk.length === 0) throw new SysError(Errno.EIO, `short read of the disk at block ${first}`);
      out.set(chunk, done);
      done += chunk.length;
    }
  }

  write(block: number, data: Uint8Array): void {
    if (!Number.isInteger(block) || block < 0 || block >= this.blockCount) throw new RangeError(`block ${block} is outside the disk`);
    this.recent.delete(block);
    this.held.set(block, data.slice());
    if (this.held.size >= WRITE_BACK_BLOCKS) this.writeHeld();
  }

  private writeHeld(): void {
    const blocks = [...this.held.keys()].sort((a, b) => a - b);
    const perRun = IO_MAX / BLOCK_SIZE;
    for (let i = 0; i < blocks.length; ) {
      let end = i + 1;
      while (end < blocks.length && blocks[end] === blocks[end - 1]! + 1 && end - i < perRun) end++;
      const run = new Uint8Array((end - i) * BLOCK_SIZE);
      for (let k = i; k < end; k++) run.set(this.held.get(blocks[k]!)!, (k - i) * BLOCK_SIZE);
      lseek(this.fd, blocks[i]! * BLOCK_SIZE, SEEK_SET);
      write(this.fd, run);
      i = end;
    }
    this.held.clear();
  }

  flush(): void {
    this.writeHeld();
    fsync(this.fd);
  }
}

/** Runs a filesystem call, turning its errors into the errno the caller gets. */
function guard<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (isFsError(error)) throw new SysError(Errno[error.code], error.message);
    throw error;
  }
}

/** An open file description: the offset lives in the page cache's shared cell once a reader has mapped it. */
class Handle {
  cookie = 0;
  /** The file is gone after a snapshot rollback: calls answer ENOENT, close releases nothing. */
  stale = false;
  shared: { cache: FileCache; cell: number } | null = null;
  private ownOffset = 0;

  constructor(
    readonly ino: number,
    readonly flags: number,
    readonly path: string,
  ) {}

  get offset(): number {
    return this.shared ? this.shared.cache.offsetAt(this.shared.cell) : this.ownOffset;
  }

  set offset(value: number) {
    if (this.shared) this.shared.cache.setOffset(this.shared.cell, value);
    else this.ownOffset = value;
  }
}

function toStat(a: Attr): Stat {
  return makeStat({
    dev: 3, ino: a.ino, mode: a.mode, nlink: a.nlink, uid: a.uid, gid: a.gid, size: a.size, blksize: a.blksize, blocks: a.blocks,
    atimeSec: a.atime.sec, atimeNsec: a.atime.nsec, mtimeSec: a.mtime.sec, mtimeNsec: a.mtime.nsec, ctimeSec: a.ctime.sec, ctimeNsec: a.ctime.nsec,
  });
}

export class RedoxFsHandler implements SchemeHandler {
  private readonly handles = new Map<number, Handle>();
  private nextId = 1;
  private readonly cache: PageCache;

  constructor(private readonly fs: RedoxFS) {
    let warned = false;
    const warn = (message: string): void => {
      if (!warned) eprint(`redoxfsd: ${message} (files are read without it)`);
      warned = true;
    };
    this.cache = new PageCache((ino, offset, length) => fs.read(ino, offset, length), warn);
  }

  private handle(id: number): Handle {
    const h = this.handles.get(id);
    if (!h) throw new SysError(Errno.EBADF);
    if (h.stale) throw new SysError(Errno.ENOENT, `${h.path} was removed by a snapshot rollback`);
    return h;
  }

  /**
   * After a rollback the volume has forgotten every open inode: hold again each one the
   * snapshot still has; a handle whose file it does not have goes stale.
   */
  afterRollback(): void {
    this.cache.forgetAll();
    for (const h of this.handles.values()) {
      try {
        this.fs.retain(h.ino);
      } catch (error) {
        if (!isFsError(error)) throw error;
        h.stale = true;
      }
    }
  }

  private allow(ino: number, who: Requester, want: number, path: string): void {
    if (!checkAccess(who.uid, who.gid, this.fs.getattr(ino), want)) throw new SysError(Errno.EACCES, path);
  }

  /** Walks `path` from the root, checking search permission on each directory passed through. */
  private walk(path: string, who: Requester, followLast: boolean, budget = { links: MAX_SYMLINKS }, start = ROOT_INO): number {
    const parts = path.split('/').filter((p) => p !== '' && p !== '.');
    let dir = path.startsWith('/') ? ROOT_INO : start;
    let ino = dir;
    for (let i = 0; i < parts.length; i++) {
      if ((this.fs.getattr(dir).mode & S_IFMT) !== S_IFDIR) throw new SysError(Errno.ENOTDIR, parts.slice(0, i).join('/'));
      this.allow(dir, who, X_OK, '/' + parts.slice(0, i).join('/'));
      ino = this.fs.lookup(dir, parts[i]!);
      const last = i === parts.length - 1;
      if ((this.fs.getattr(ino).mode & S_IFMT) === S_IFLNK && (!last || followLast)) {
        if (--budget.links < 0) throw new SysError(Errno.ELOOP, path);
        ino = this.walk(this.fs.readlink(ino), who, true, budget, dir);
      }
      dir = ino;
    }
    return ino;
  }

  /** The directory that will hold `path`'s last name, checked writable and searchable. */
  private parent(path: string, who: Requester): { dir: number; name: string } {
    const parts = path.split('/').filter((p) => p !== '' && p !== '.');
    const name = parts.pop();
    if (name === undefined) throw new SysError(Errno.EBUSY, 'the root directory');
    if (name === '..') throw new SysError(Errno.EINVAL, path);
    const dir = this.walk(parts.join('/'), who, true);
    if ((this.fs.getattr(dir).mode & S_IFMT) !== S_IFDIR) throw new SysError(Errno.ENOTDIR, path);
    this.allow(dir, who, W_OK | X_OK, path);
    return { dir, name };
  }

  private existing(dir: number, name: string): number | null {
    try {
      return this.fs.lookup(dir, name);
    } catch (error) {
      if (isFsError(error, 'ENOENT')) return null;
      throw error;
    }
  }

  /** POSIX sticky-directory rule: in a +t directory only the owner (of file or dir) or root may remove. */
  private mayRemove(dir: number, ino: number, who: Requester, path: string): void {
    const d = this.fs.getattr(dir);
    if (d.mode & 0o1000 && who.uid !== 0 && who.uid !== d.uid && who.uid !== this.fs.getattr(ino).uid) throw new SysError(Errno.EPERM, path);
  }

  open(path: string, flags: number, who: Requester): number {
    return guard(() => {
      let ino: number;
      if (flags & O_CREAT) {
        const { dir, name } = this.parent(path, who);
        const found = this.existing(dir, name);
        if (found !== null && flags & O_EXCL) throw new SysError(Errno.EEXIST, path);
        ino = found === null ? this.fs.create(dir, name, flags & 0o7777, who.uid, who.gid).ino : this.walk(path, who, true);
      } else {
        ino = this.walk(path, who, !(flags & O_SYMLINK));
      }
      const attr = this.fs.getattr(ino);
      const isDir = (attr.mode & S_IFMT) === S_IFDIR;
      if (flags & O_DIRECTORY && !isDir) throw new SysError(Errno.ENOTDIR, path);
      if (!(flags & O_STAT)) {
        if (isDir && canWrite(flags)) throw new SysError(Errno.EISDIR, path);
        if (canRead(flags)) this.allow(ino, who, R_OK, path);
        if (canWrite(flags)) this.allow(ino, who, W_OK, path);
      }
      if (flags & O_TRUNC && canWrite(flags) && (attr.mode & S_IFMT) === S_IFREG && attr.size > 0) {
        this.changingBytes(ino, () => {
          this.fs.truncate(ino, 0);
          this.cache.truncated(ino, 0);
        });
      }
      this.fs.retain(ino);
      const id = this.nextId++;
      this.handles.set(id, new Handle(ino, flags, path));
      return id;
    });
  }

  close(id: number): void {
    const h = this.handles.get(id);
    if (!h) return;
    this.handles.delete(id);
    if (h.shared) h.shared.cache.giveCell(h.shared.cell);
    if (h.stale) return;
    guard(() => this.fs.release(h.ino));
    this.forgetIfFreed(h.ino);
  }

  /** A freed inode's number may come back as another file: its cache must go with it. */
  private forgetIfFreed(ino: number): void {
    try {
      this.fs.getattr(ino);
    } catch (error) {
      if (!isFsError(error, 'ENOENT')) throw error;
      this.cache.forget(ino);
    }
  }

  /**
   * Runs a change to a file's bytes and the matching cache update. If either fails, the file may
   * have changed in part (or the cache missed the change): its cache goes, so no stale byte or
   * size is served from it.
   */
  private changingBytes<T>(ino: number, work: () => T): T {
    try {
      return work();
    } catch (error) {
      this.cache.forget(ino);
      throw error;
    }
  }

  read(id: number, count: number): Uint8Array {
    const h = this.handle(id);
    return guard(() => {
      const offset = h.offset;
      const cached = this.cache.lookup(h.ino);
      let data: Uint8Array;
      if (cached) {
        const length = Math.max(0, Math.min(count, cached.size - offset));
        if (!cached.holds(offset, offset + length)) this.cache.fill(cached, offset, length);
        data = cached.copy(offset, length);
      } else {
        data = this.fs.read(h.ino, offset, count);
      }
      h.offset = offset + data.length;
      return data;
    });
  }

  write(id: number, data: Uint8Array, _who: Requester, flags: number): number {
    const h = this.handle(id);
    return guard(() => {
      const oldSize = this.fs.getattr(h.ino).size;
      if ((flags | h.flags) & O_APPEND) h.offset = oldSize;
      const offset = h.offset;
      // A short count when space ran out part-way (POSIX): what landed is cached and counted.
      const n = this.changingBytes(h.ino, () => {
        const written = this.fs.write(h.ino, offset, data, { partial: true });
        this.cache.wrote(h.ino, offset, data.subarray(0, written), oldSize);
        return written;
      });
      h.offset = offset + n;
      return n;
    });
  }

  /**
   * Shares the file's page cache with the caller. A SharedArrayBuffer cannot be mapped read-only,
   * so only a caller who may write the file gets it: nothing it could scribble there is more
   * than it could write() anyway.
   */
  fmap(id: number, who: Requester): { mapId: number; offsetCell: number } {
    const h = this.handle(id);
    return guard(() => {
      const attr = this.fs.getattr(h.ino);
      if ((attr.mode & S_IFMT) !== S_IFREG) throw new SysError(Errno.ENODEV, `${h.path} is not a regular file`);
      if (!checkAccess(who.uid, who.gid, attr, W_OK)) throw new SysError(Errno.EACCES, `${h.path}: only those who may write a file map its cache`);
      if (h.shared) {
        if (h.shared.cache.revoked) throw new SysError(Errno.ENOMEM, `${h.path}: its cache was dropped`);
        return { mapId: h.shared.cache.mapId, offsetCell: h.shared.cell };
      }
      const cache = this.cache.lookup(h.ino) ?? this.cache.create(h.ino, attr.size);
      const cell = cache?.takeCell(h.offset) ?? null;
      if (!cache || cell === null) throw new SysError(Errno.ENOMEM, `${h.path}: no room in the page cache`);
      h.shared = { cache, cell };
      return { mapId: cache.mapId, offsetCell: cell };
    });
  }

  seek(id: number, offset: number, whence: number): number {
    const h = this.handle(id);
    const base = whence === SEEK_SET ? 0 : whence === SEEK_CUR ? h.offset : whence === SEEK_END ? guard(() => this.fs.getattr(h.ino).size) : NaN;
    if (!(base + offset >= 0)) throw new SysError(Errno.EINVAL);
    h.offset = base + offset;
    if ((guard(() => this.fs.getattr(h.ino).mode) & S_IFMT) === S_IFDIR) h.cookie = 0;
    return h.offset;
  }

  fstat(id: number): Stat {
    return guard(() => toStat(this.fs.getattr(this.handle(id).ino)));
  }

  fsync(): void {
    guard(() => this.fs.commit());
  }

  ftruncate(id: number, length: number): void {
    const h = this.handle(id);
    guard(() =>
      this.changingBytes(h.ino, () => {
        this.fs.truncate(h.ino, length);
        this.cache.truncated(h.ino, length);
      }),
    );
  }

  getdents(id: number, maxBytes: number): Uint8Array {
    const h = this.handle(id);
    return guard(() => {
      // Like every scheme here, getdents lists real entries only: no '.' and '..'.
      for (;;) {
        const listed = this.fs.readdir(h.ino, h.cookie, 512);
        if (listed.length === 0) return new Uint8Array(0);
        const entries = listed.filter((e) => e.name !== '.' && e.name !== '..');
        if (entries.length === 0) {
          h.cookie = listed[listed.length - 1]!.next;
          continue;
        }
        const { bytes, count } = encodeDirents(entries, maxBytes);
        if (count === 0) throw new SysError(Errno.EINVAL, 'buffer too small for a directory entry');
        h.cookie = entries[count - 1]!.next;
        return bytes;
      }
    });
  }

  fpath(id: number): string {
    return this.handle(id).path;
  }

  /** POSIX: explicit times are the owner's (or root's) to set; "now" also for anyone who may write. */
  futimens(id: number, times: FileTimes, who: Requester): void {
    const h = this.handle(id);
    guard(() => {
      const a = this.fs.getattr(h.ino);
      const onlyNow = (times.atime === 'now' || times.atime === undefined) && (times.mtime === 'now' || times.mtime === undefined);
      const owner = who.uid === 0 || who.uid === a.uid;
      if (!owner && !(onlyNow && checkAccess(who.uid, who.gid, a, W_OK))) throw new SysError(owner || onlyNow ? Errno.EACCES : Errno.EPERM, h.path);
      this.fs.setattr(h.ino, { ...(times.atime !== undefined ? { atime: times.atime } : {}), ...(times.mtime !== undefined ? { mtime: times.mtime } : {}) });
    });
  }

  fstatvfs(): StatVfs {
    const v = guard(() => this.fs.statvfs());
    return {
      type: v.encrypted ? 'redoxfs (encrypted)' : 'redoxfs', blockSize: v.blockSize, blocks: v.blocks, freeBlocks: v.freeBlocks,
      availableBlocks: v.availableBlocks, files: v.files, freeFiles: v.freeFiles, nameMax: v.nameMax, readOnly: v.readOnly,
    };
  }

  fchmod(id: number, mode: number, who: Requester): void {
    this.chmodIno(this.handle(id).ino, mode, who, this.handle(id).path);
  }

  fchown(id: number, uid: number, gid: number, who: Requester): void {
    this.chownIno(this.handle(id).ino, uid, gid, who, this.handle(id).path);
  }

  private chmodIno(ino: number, mode: number, who: Requester, path: string): void {
    guard(() => {
      if (who.uid !== 0 && who.uid !== this.fs.getattr(ino).uid) throw new SysError(Errno.EPERM, path);
      this.fs.setattr(ino, { mode: mode & 0o7777 });
    });
  }

  private chownIno(ino: number, uid: number, gid: number, who: Requester, path: string): void {
    guard(() => {
      const a = this.fs.getattr(ino);
      const keep = (v: number): boolean => v < 0 || v === 0xffffffff;
      const newUid = keep(uid) ? a.uid : uid;
      const newGid = keep(gid) ? a.gid : gid;
      if (who.uid !== 0 && (newUid !== a.uid || who.uid !== a.uid || newGid !== who.gid && newGid !== a.gid)) throw new SysError(Errno.EPERM, path);
      this.fs.setattr(ino, { uid: newUid, gid: newGid });
    });
  }

  mkdir(path: string, mode: number, who: Requester): void {
    guard(() => {
      const { dir, name } = this.parent(path, who);
      this.fs.mkdir(dir, name, mode & 0o7777, who.uid, who.gid);
    });
  }

  rmdir(path: string, who: Requester): void {
    guard(() => {
      const { dir, name } = this.parent(path, who);
      const ino = this.fs.lookup(dir, name);
      this.mayRemove(dir, ino, who, path);
      this.fs.rmdir(dir, name);
    });
  }

  unlink(path: string, who: Requester): void {
    guard(() => {
      const { dir, name } = this.parent(path, who);
      const ino = this.fs.lookup(dir, name);
      if ((this.fs.getattr(ino).mode & S_IFMT) === S_IFDIR) throw new SysError(Errno.EISDIR, path);
      this.mayRemove(dir, ino, who, path);
      this.fs.unlink(dir, name);
      this.forgetIfFreed(ino);
    });
  }

  rename(from: string, to: string, who: Requester): void {
    guard(() => {
      const src = this.parent(from, who);
      const dst = this.parent(to, who);
      const moved = this.fs.lookup(src.dir, src.name);
      this.mayRemove(src.dir, moved, who, from);
      const replaced = this.existing(dst.dir, dst.name);
      // The replaced file is removed: in a sticky directory that is its owner's (or the directory's) to do.
      if (replaced !== null && replaced !== moved) this.mayRemove(dst.dir, replaced, who, to);
      this.fs.rename(src.dir, src.name, dst.dir, dst.name);
      if (replaced !== null) this.forgetIfFreed(replaced);
    });
  }

  link(from: string, to: string, who: Requester): void {
    guard(() => {
      const ino = this.walk(from, who, false);
      const { dir, name } = this.parent(to, who);
      this.fs.link(ino, dir, name);
    });
  }

  symlink(target: string, path: string, who: Requester): void {
    guard(() => {
      const { dir, name } = this.parent(path, who);
      this.fs.symlink(dir, name, target, who.uid, who.gid);
    });
  }

  readlink(path: string, who: Requester): string {
    return guard(() => {
      const ino = this.walk(path, who, false);
      if ((this.fs.getattr(ino).mode & S_IFMT) !== S_IFLNK) throw new SysError(Errno.EINVAL, `${path} is not a symbolic link`);
      return this.fs.readlink(ino);
    });
  }

  chmod(path: string, mode: number, who: Requester): void {
    this.chmodIno(guard(() => this.walk(path, who, true)), mode, who, path);
  }

  chown(path: string, uid: number, gid: number, who: Requester): void {
    this.chownIno(guard(() => this.walk(path, who, true)), uid, gid, who, path);
  }
}

/** How long the daemon waits, once requests stop coming, before it commits on its own. */
const IDLE_COMMIT_MS = 100;
const EVENT_SOCKET = 1;
const EVENT_TIMER = 2;

/** The daemon's wait for work: its scheme socket, or the idle-commit timer, through an event queue. */
class Waiter {
  private readonly queue = new EventQueue();
  private readonly timer = open('/scheme/time/1', O_RDWR);
  private armed = false;

  constructor(...sockets: number[]) {
    for (const socket of sockets) this.queue.watch(socket, EVENT_READ, EVENT_SOCKET);
  }

  arm(ms: number): void {
    const now = new DataView(read(this.timer, 16).buffer);
    const deadline = new DataView(new ArrayBuffer(16));
    const nsec = now.getFloat64(8, true) + ms * 1e6;
    deadline.setFloat64(0, now.getFloat64(0, true) + Math.floor(nsec / 1e9), true);
    deadline.setFloat64(8, nsec % 1e9, true);
    write(this.timer, new Uint8Array(deadline.buffer));
    if (!this.armed) this.queue.watch(this.timer, EVENT_READ, EVENT_TIMER);
    this.armed = true;
  }

  disarm(): void {
    if (this.armed) this.queue.watch(this.timer, 0, EVENT_TIMER);
    this.armed = false;
  }

  /** Blocks until a request or the timer; true if only the timer fired. */
  wait(): boolean {
    const events = this.queue.wait();
    return events.some((e) => e.data === EVENT_TIMER) && !events.some((e) => e.data === EVENT_SOCKET);
  }
}

/**
 * Serves `fs` as scheme `name` until SIGTERM. Requests are taken without blocking; once none are
 * waiting, the daemon sleeps on an event queue, and if it has served changes since its last
 * commit it commits after IDLE_COMMIT_MS of quiet (fsync commits at once, whatever the timer).
 */
export function serveRedoxFS(fs: RedoxFS, name: string, onReady: () => void): void {
  const server = SchemeServer.register(name);
  const handler = new RedoxFsHandler(fs);
  const flags = fcntl(server.fd, F_GETFL);
  fcntl(server.fd, F_SETFL, flags | O_NONBLOCK);
  // Root's snapshot control (SCHEME.snapshots), served by the same loop so it sees the volume between requests.
  const control = new SnapshotControlServer(fs, name, () => handler.afterRollback());
  const waiter = new Waiter(server.fd, control.fd);
  let stopping = false;
  let servedSinceCommit = 0;
  signal(SIGTERM, () => (stopping = true));
  onReady();
  while (!stopping) {
    if (control.serveWaiting()) continue;
    let packet: Uint8Array | null = null;
    try {
      packet = read(server.fd, DATA_CAPACITY);
    } catch (error) {
      if (!(error instanceof SysError) || (error.errno !== Errno.EAGAIN && error.errno !== Errno.EINTR)) throw error;
    }
    if (packet !== null) {
      if (packet.length === 0) break;
      server.handle(handler, decodeRequest(packet));
      servedSinceCommit++;
      continue;
    }
    if (servedSinceCommit > 0) waiter.arm(IDLE_COMMIT_MS);
    // A SIGTERM handled during the calls above must not be slept through; one that arrives from
    // here on interrupts the wait itself (EINTR).
    if (stopping) break;
    let quiet = false;
    try {
      quiet = waiter.wait();
    } catch (error) {
      if (!(error instanceof SysError && error.errno === Errno.EINTR)) throw error;
    }
    if (quiet) {
      guard(() => fs.commit());
      servedSinceCommit = 0;
      waiter.disarm();
    }
  }
  fs.unmount();
}
