/**
 * redoxfsd's page cache: regular files' bytes kept in shared memory (a `/scheme/shm` object per
 * file, layout in src/syscall/page_cache.ts) so that the daemon answers repeated reads from
 * memory and, through fmap, readers copy them out without a round trip (src/libc/file_map.ts).
 *
 * The cache is always a true copy of the filesystem for the chunks its bitmap marks held (the
 * daemon decides by its own copy of the bitmap and its own size, never by what a mapper could
 * have scribbled in the shared buffer; see FileCache.heldChunks): every
 * write and truncate goes to the filesystem first and then to the cache, growth zero-fills the
 * gap, and a file's cache is revoked (readers go back to read()) when the inode is freed or the
 * whole volume changes under it (a rollback). Chunks fill from reads served by the daemon; a file
 * written from empty past CACHE_ON_WRITE is cached as it is written, as a kernel page cache would.
 * The caches share a byte budget, least recently used first out.
 */
import { Errno, SysError } from '../syscall/errno.ts';
import { O_CREAT, O_EXCL, O_RDWR } from '../syscall/flags.ts';
import {
  BITMAP_WORD, CACHE_REVOKED, CHUNK_BYTES, DATA_OFFSET, FIRST_OFFSET_CELL, MAX_CACHED_BYTES, OFFSET_CELL_COUNT, SIZE_CELL,
  STATE_WORD,
} from '../syscall/page_cache.ts';
import { close, ftruncate, open } from '../libc/fs.ts';
import { getpid } from '../libc/process.ts';
import { fmap, funmap, type Mapping } from '../libc/shm.ts';

/** What all caches together may hold. */
export const DEFAULT_BUDGET_BYTES = 192 * 1024 * 1024;
/** A file written from empty is cached once it reaches this size (smaller files are not worth a shm object). */
const CACHE_ON_WRITE = 256 * 1024;
const GROW_STEP = 1024 * 1024;
const FILL_AHEAD_CHUNKS = 3;

/** Reads the filesystem: up to `length` bytes of inode `ino` at `offset`. */
export type FileReader = (ino: number, offset: number, length: number) => Uint8Array;

export class FileCache {
  readonly words: Int32Array;
  readonly cells: BigInt64Array;
  /**
   * The daemon's own copy of the chunk bitmap, which alone decides what it serves from the cache:
   * the shared one is published for mapped readers, and a mapper may scribble on it.
   */
  private readonly heldChunks = new Uint32Array(Math.ceil(MAX_CACHED_BYTES / CHUNK_BYTES / 32));
  private readonly freeCells: number[] = [];
  revoked = false;

  constructor(
    readonly ino: number,
    private readonly fd: number,
    private readonly mapping: Mapping,
    public size: number,
  ) {
    this.words = new Int32Array(mapping.buffer, 0, DATA_OFFSET / 4);
    this.cells = new BigInt64Array(mapping.buffer, 0, DATA_OFFSET / 8);
    for (let i = FIRST_OFFSET_CELL + OFFSET_CELL_COUNT - 1; i >= FIRST_OFFSET_CELL; i--) this.freeCells.push(i);
    Atomics.store(this.cells, SIZE_CELL, BigInt(size));
  }

  get mapId(): number {
    return this.mapping.id;
  }

  get capacity(): number {
    return this.mapping.buffer.byteLength - DATA_OFFSET;
  }

  private data(offset: number, length: number): Uint8Array {
    return new Uint8Array(this.mapping.buffer, DATA_OFFSET + offset, length);
  }

  /** Whether every chunk touching bytes [start, end) is held, by the daemon's private bitmap. */
  holds(start: number, end: number): boolean {
    if (end <= start) return true;
    const last = Math.floor((end - 1) / CHUNK_BYTES);
    for (let chunk = Math.floor(start / CHUNK_BYTES); chunk <= last; chunk++) {
      if (!((this.heldChunks[chunk >>> 5]! >>> (chunk & 31)) & 1)) return false;
    }
    return true;
  }

  /** A copy of bytes [offset, offset + length), which the caller has checked are held. */
  copy(offset: number, length: number): Uint8Array {
    return length === 0 ? new Uint8Array(0) : this.data(offset, length).slice();
  }

  /** An offset cell for a handle now at `offset`, or null when all are taken. */
  takeCell(offset: number): number | null {
    const cell = this.freeCells.pop();
    if (cell === undefined) return null;
    Atomics.store(this.cells, cell, BigInt(offset));
    return cell;
  }

  giveCell(cell: number): void {
    this.freeCells.push(cell);
  }

  /** A handle's offset: readers move it too, so it is read from the shared cell, and a bad value is refused. */
  offsetAt(cell: number): number {
    const value = Atomics.load(this.cells, cell);
    if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw new SysError(Errno.EINVAL, `file offset ${value} in the shared cell`);
    return Number(value);
  }

  setOffset(cell: number, offset: number): void {
    Atomics.store(this.cells, cell, BigInt(offset));
  }

  /** Room for a file of `size` bytes; false (and nothing changed) past what a cache may hold. */
  reserve(size: number): boolean {
    if (size > MAX_CACHED_BYTES) return false;
    if (size <= this.capacity) return true;
    ftruncate(this.fd, DATA_OFFSET + Math.min(MAX_CACHED_BYTES, Math.ceil(size / GROW_STEP) * GROW_STEP));
    return true;
  }

  /**
   * Bytes [start, end) of the cache are now what the file holds (the file being `size` long):
   * marks held every chunk whose part inside the file lies within them.
   */
  learned(start: number, end: number, size: number): void {
    for (let chunk = Math.floor(start / CHUNK_BYTES); chunk * CHUNK_BYTES < Math.min(end, size); chunk++) {
      const chunkStart = chunk * CHUNK_BYTES;
      const chunkEnd = Math.min(chunkStart + CHUNK_BYTES, size);
      if (chunkStart >= start && chunkEnd <= end) {
        this.heldChunks[chunk >>> 5]! |= 1 << (chunk & 31);
        Atomics.or(this.words, BITMAP_WORD + (chunk >>> 5), 1 << (chunk & 31));
      }
    }
  }

  /** Puts bytes the file holds at `offset` (inside the reserved capacity) and marks what they complete. */
  store(offset: number, bytes: Uint8Array): void {
    this.data(offset, bytes.length).set(bytes);
    this.learned(offset, offset + bytes.length, this.size);
  }

  /**
   * `bytes` were written at `offset` of the file, which was `oldSize` long: a gap past the old end
   * reads as zeros. The bytes go in before the new size is published, so a reader never sees a
   * size whose bytes are not there yet.
   */
  write(offset: number, bytes: Uint8Array, oldSize: number): void {
    const size = Math.max(oldSize, offset + bytes.length);
    if (offset > oldSize) this.data(oldSize, offset - oldSize).fill(0);
    this.data(offset, bytes.length).set(bytes);
    this.learned(Math.min(offset, oldSize), offset + bytes.length, size);
    this.publishSize(size);
  }

  /** The file was truncated to `size` bytes; growth reads as zeros. */
  truncate(size: number): void {
    if (size > this.size) {
      this.data(this.size, size - this.size).fill(0);
      this.learned(this.size, size, size);
    }
    this.publishSize(size);
  }

  private publishSize(size: number): void {
    this.size = size;
    Atomics.store(this.cells, SIZE_CELL, BigInt(size));
  }

  /** Readers go back to read(); handles keep their offset cells (the buffer lives while they do). */
  revoke(): void {
    if (this.revoked) return;
    this.revoked = true;
    Atomics.store(this.words, STATE_WORD, CACHE_REVOKED);
    funmap(this.mapping);
    close(this.fd);
  }
}

let nextObject = 1;

export class PageCache {
  /** In least recently used order. */
  private readonly files = new Map<number, FileCache>();
  private held = 0;

  /**
   * `warn` hears why a cache could not be made (no shm scheme, no memory): the filesystem works
   * on without one, so that is a warning, not an error.
   */
  constructor(
    private readonly readFile: FileReader,
    private readonly warn: (message: string) => void,
    private readonly budget = DEFAULT_BUDGET_BYTES,
  ) {}

  lookup(ino: number): FileCache | undefined {
    const cache = this.files.get(ino);
    if (cache) {
      this.files.delete(ino);
      this.files.set(ino, cache);
    }
    return cache;
  }

  /** A new, empty cache for a file of `size` bytes, or null when it cannot have one. */
  create(ino: number, size: number): FileCache | null {
    if (this.files.has(ino)) throw new Error(`inode ${ino} is cached already`);
    if (size > MAX_CACHED_BYTES || size > this.budget) return null;
    const capacity = Math.max(GROW_STEP, Math.ceil(size / GROW_STEP) * GROW_STEP);
    this.makeRoom(Math.min(capacity, MAX_CACHED_BYTES));
    let fd = -1;
    let cache: FileCache;
    try {
      fd = open(`/scheme/shm/redoxfsd.${getpid()}.${nextObject++}`, O_CREAT | O_EXCL | O_RDWR, 0o600);
      ftruncate(fd, DATA_OFFSET + Math.min(capacity, MAX_CACHED_BYTES));
      cache = new FileCache(ino, fd, fmap(fd), size);
    } catch (error) {
      if (fd >= 0) close(fd);
      if (!(error instanceof SysError)) throw error;
      this.warn(`no page cache for inode ${ino}: ${error.message}`);
      return null;
    }
    this.files.set(ino, cache);
    this.held += cache.capacity;
    return cache;
  }

  /**
   * Fills the chunks around [offset, offset + length) of a cached file from the filesystem, and
   * up to FILL_AHEAD_CHUNKS not yet held after them (a sequential reader asks for those next, and
   * one larger read costs the disk fewer round trips than several small ones).
   */
  fill(cache: FileCache, offset: number, length: number): void {
    const start = Math.floor(offset / CHUNK_BYTES) * CHUNK_BYTES;
    let endChunk = Math.ceil((offset + length) / CHUNK_BYTES);
    const aheadLimit = Math.min(endChunk + FILL_AHEAD_CHUNKS, Math.ceil(cache.size / CHUNK_BYTES));
    while (endChunk < aheadLimit && !cache.holds(endChunk * CHUNK_BYTES, (endChunk + 1) * CHUNK_BYTES)) endChunk++;
    const end = Math.min(cache.size, endChunk * CHUNK_BYTES);
    for (let at = start; at < end; ) {
      const bytes = this.readFile(cache.ino, at, end - at);
      if (bytes.length === 0) break;
      cache.store(at, bytes);
      at += bytes.length;
    }
  }

  /** `bytes` went to the filesystem at `offset`, and the file was `oldSize` long before. */
  wrote(ino: number, offset: number, bytes: Uint8Array, oldSize: number): void {
    const newSize = Math.max(oldSize, offset + bytes.length);
    let cache = this.lookup(ino);
    if (!cache) {
      if (oldSize >= CACHE_ON_WRITE || newSize < CACHE_ON_WRITE) return;
      const created = this.create(ino, newSize);
      if (created) this.fill(created, 0, newSize);
      return;
    }
    if (this.grow(cache, newSize)) cache.write(offset, bytes, oldSize);
  }

  /** The file was truncated to `newSize` bytes. */
  truncated(ino: number, newSize: number): void {
    const cache = this.lookup(ino);
    if (cache && this.grow(cache, newSize)) cache.truncate(newSize);
  }

  /** The inode is gone (or may hold other bytes now): its cache must never be read again. */
  forget(ino: number): void {
    const cache = this.files.get(ino);
    if (!cache) return;
    this.files.delete(ino);
    this.held -= cache.capacity;
    cache.revoke();
  }

  /** The whole volume changed under the caches (a rollback). */
  forgetAll(): void {
    for (const ino of [...this.files.keys()]) this.forget(ino);
  }

  private grow(cache: FileCache, size: number): boolean {
    const before = cache.capacity;
    if (!cache.reserve(size)) {
      this.forget(cache.ino);
      return false;
    }
    this.held += cache.capacity - before;
    if (this.held > this.budget) this.makeRoom(0, cache.ino);
    return true;
  }

  private makeRoom(bytes: number, keep = -1): void {
    for (const ino of [...this.files.keys()]) {
      if (this.held + bytes <= this.budget) return;
      if (ino !== keep) this.forget(ino);
    }
  }
}
