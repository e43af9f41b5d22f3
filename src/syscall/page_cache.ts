/**
 * The layout of a file's shared page cache: the buffer a file daemon hands out through fmap so
 * that reads of a regular file are a copy out of shared memory instead of a round trip through
 * the kernel and the daemon (docs/syscalls.md, "fmap"). The daemon (src/redoxfs/page_cache.ts)
 * is the only writer of the file bytes, the size, the chunk map and the state; a reader
 * (src/libc/file_map.ts) writes only its own handle's offset cell.
 *
 *   byte 0     i32  state: CACHE_LIVE, or CACHE_REVOKED (readers go back to read())
 *   byte 8     i64  the file's size
 *   byte 64    u32 bitmap, one bit per CHUNK_BYTES of the file: set = the cache holds that chunk
 *   byte 2048  i64 offset cells, one per open file description that was mapped
 *   byte 4096  the file's bytes, from offset 0 (the buffer grows with the file)
 */
export const CACHE_LIVE = 0;
export const CACHE_REVOKED = 1;

export const STATE_WORD = 0;
/** Index of the size in a BigInt64Array over the buffer. */
export const SIZE_CELL = 1;
export const CHUNK_BYTES = 64 * 1024;
const BITMAP_OFFSET = 64;
const CELLS_OFFSET = 2048;
export const DATA_OFFSET = 4096;
/** The largest shared-memory object (`/scheme/shm`), page caches included. */
export const SHM_MAX_BYTES = 256 * 1024 * 1024;
/** The largest file a cache holds: what fits one shm object (the bitmap has room for more). */
export const MAX_CACHED_BYTES = Math.min(SHM_MAX_BYTES - DATA_OFFSET, (CELLS_OFFSET - BITMAP_OFFSET) * 8 * CHUNK_BYTES);
export const FIRST_OFFSET_CELL = CELLS_OFFSET / 8;
export const OFFSET_CELL_COUNT = (DATA_OFFSET - CELLS_OFFSET) / 8;
export const BITMAP_WORD = BITMAP_OFFSET / 4;

/** True if every chunk touching bytes [start, end) is marked held in `words` (an Int32Array over the buffer). */
export function chunksHeld(words: Int32Array, start: number, end: number): boolean {
  const last = Math.floor((end - 1) / CHUNK_BYTES);
  for (let chunk = Math.floor(start / CHUNK_BYTES); chunk <= last; chunk++) {
    if (!((Atomics.load(words, BITMAP_WORD + (chunk >>> 5)) >>> (chunk & 31)) & 1)) return false;
  }
  return true;
}
