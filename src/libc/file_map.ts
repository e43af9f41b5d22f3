/**
 * Reads of regular files straight out of their shared page cache. The first large read of a
 * descriptor asks its scheme to map it (fmap); a file daemon that can answers with the file's
 * cache and the descriptor's shared offset cell (src/syscall/page_cache.ts). From then on a read
 * whose chunks the cache holds is one copy out of shared memory and an atomic bump of the
 * offset, with no syscall; anything else (a chunk not cached yet, a revoked cache) is an
 * ordinary read(), which the daemon serves and caches. Descriptors nothing can map (pipes,
 * terminals, kernel schemes, files the caller may not write) stay on read().
 */
import { Errno, SysError } from '../syscall/errno.ts';
import {
  CACHE_LIVE, DATA_OFFSET, FIRST_OFFSET_CELL, OFFSET_CELL_COUNT, SIZE_CELL, STATE_WORD, chunksHeld,
} from '../syscall/page_cache.ts';
import { bootInfo } from './boot.ts';
import { onDescriptorGone, syscall } from './syscall.ts';

/** Smaller reads are not worth a mapping (and leave terminals and pipes alone). */
const MIN_MAPPED_READ = 32 * 1024;

interface FileMap {
  mapId: number;
  buffer: SharedArrayBuffer;
  words: Int32Array;
  cells: BigInt64Array;
  cell: number;
}

/** Per descriptor: its mapping, or null once fmap said it cannot be mapped. */
const maps = new Map<number, FileMap | null>();

onDescriptorGone((fd) => {
  const map = maps.get(fd);
  maps.delete(fd);
  if (map) syscall('funmap', map.mapId);
});

function mapOf(fd: number): FileMap | null {
  const known = maps.get(fd);
  if (known !== undefined) return known;
  let mapId: number;
  let cell: number;
  try {
    [mapId, cell] = syscall('fmap', fd);
  } catch (error) {
    // fmap is a probe: every refusal means "use read()", which then reports real errors itself.
    if (!(error instanceof SysError) || error.errno === Errno.EINTR) throw error;
    maps.set(fd, null);
    return null;
  }
  const buffer = bootInfo().receiveMap(mapId);
  if (cell < FIRST_OFFSET_CELL || cell >= FIRST_OFFSET_CELL + OFFSET_CELL_COUNT) {
    // A shm object (cell -1) is not a file: its reads stay on read().
    syscall('funmap', mapId);
    maps.set(fd, null);
    return null;
  }
  const map = { mapId, buffer, words: new Int32Array(buffer, 0, DATA_OFFSET / 4), cells: new BigInt64Array(buffer, 0, DATA_OFFSET / 8), cell };
  maps.set(fd, map);
  return map;
}

/**
 * Up to `count` bytes at the descriptor's offset, as a view into the shared cache that the caller
 * must copy at once (the bytes change with the file); an empty view at end of file; null when
 * this read must go through read() instead.
 */
export function readMappedView(fd: number, count: number): Uint8Array | null {
  if (count < MIN_MAPPED_READ) return null;
  const map = mapOf(fd);
  if (!map) return null;
  for (;;) {
    if (Atomics.load(map.words, STATE_WORD) !== CACHE_LIVE) {
      syscall('funmap', map.mapId);
      maps.set(fd, null);
      return null;
    }
    const offset = Atomics.load(map.cells, map.cell);
    const size = Atomics.load(map.cells, SIZE_CELL);
    if (offset >= size) return new Uint8Array(0);
    const start = Number(offset);
    const n = Math.min(count, Number(size - offset));
    if (!chunksHeld(map.words, start, start + n) || DATA_OFFSET + start + n > map.buffer.byteLength) return null;
    if (Atomics.compareExchange(map.cells, map.cell, offset, offset + BigInt(n)) === offset) {
      return new Uint8Array(map.buffer, DATA_OFFSET + start, n);
    }
  }
}
