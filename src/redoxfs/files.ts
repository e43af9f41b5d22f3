/**
 * File contents: reading, writing and truncating the data tree of a regular file or symlink.
 * The data tree maps block index → data block pointer; a missing index is a hole (zeros).
 *
 * Invariants:
 * - Bytes of the last block past the file size are zero, so growing a file never exposes old
 *   bytes.
 * - A data block the committed state may reference is never rewritten: a write goes to a fresh
 *   block, unless the block was born in this transaction and only this file references it.
 * - `rec.blocks` counts the data blocks mapped.
 * - A file whose only mapped block is block 0 may point to it straight from the inode (no
 *   tree): small files cost one block, not two.
 * - State changes per block, so an ENOSPC part-way leaves a consistent file (a short write).
 */

import { isNode } from './btree.ts';
import { BLOCK_SIZE } from './device.ts';
import { FsError, isFsError } from './errors.ts';
import { BlockType, decodePtrValue, encodePtrValue, type Ptr } from './format.ts';
import { contentSpec, type InodeState, type Inodes } from './inodes.ts';
import type { Volume } from './volume.ts';

/** 2^50 bytes: block indexes stay exact in a double. */
export const MAX_FILE_SIZE = 2 ** 50;

const SMALL_READ_BLOCKS = 2;
const CACHE_BLOCKS = 256;

/** The data block an inode points to straight, when its file is that one block. */
function directBlock(st: InodeState): Ptr | null {
  const c = st.content;
  return c !== null && !isNode(c) && c.type === BlockType.Data ? c : null;
}

export class Files {
  private readonly cache = new Map<number, { sum: number; data: Uint8Array }>();

  constructor(private readonly vol: Volume, private readonly inodes: Inodes) {
    vol.store.onWrite((addr) => this.cache.delete(addr));
  }

  read(st: InodeState, offset: number, length: number): Uint8Array {
    const end = Math.min(st.rec.size, offset + length);
    if (offset >= end) return new Uint8Array(0);
    const out = new Uint8Array(end - offset);
    const first = Math.floor(offset / BLOCK_SIZE);
    const last = Math.floor((end - 1) / BLOCK_SIZE);
    const indexes: number[] = [];
    const ptrs: Ptr[] = [];
    for (const [index, ptr] of this.mapped(st, first)) {
      if (index > last) break;
      indexes.push(index);
      ptrs.push(ptr);
    }
    this.readBlocks(st, ptrs).forEach((data, i) => {
      const blockStart = indexes[i]! * BLOCK_SIZE;
      const from = Math.max(offset, blockStart);
      const to = Math.min(end, blockStart + BLOCK_SIZE);
      out.set(data.subarray(from - blockStart, to - blockStart), from - offset);
    });
    return out;
  }

  /**
   * Reads data blocks, contiguous runs in one device call. Small reads go through a little
   * cache of verified plaintext (keyed by address and checksum, so a rewritten block never
   * matches), which spares re-checking a block read a few bytes at a time.
   */
  private readBlocks(st: InodeState, ptrs: Ptr[]): Uint8Array[] {
    try {
      if (ptrs.length > SMALL_READ_BLOCKS) return this.vol.store.readMany(ptrs, BlockType.Data);
      return ptrs.map((ptr) => this.cached(ptr) ?? this.remember(ptr, this.vol.store.read(ptr, BlockType.Data)));
    } catch (e) {
      if (isFsError(e, 'EIO')) throw new FsError('EIO', `inode ${st.ino}: ${e.message.replace(/^EIO: /, '')}`, e.block);
      throw e;
    }
  }

  private readBlock(st: InodeState, ptr: Ptr): Uint8Array {
    return this.readBlocks(st, [ptr])[0]!;
  }

  private cached(ptr: Ptr): Uint8Array | undefined {
    const hit = this.cache.get(ptr.addr);
    if (!hit || hit.sum !== ptr.sum) return undefined;
    this.cache.delete(ptr.addr);
    this.cache.set(ptr.addr, hit);
    return hit.data;
  }

  private remember(ptr: Ptr, data: Uint8Array): Uint8Array {
    this.cache.set(ptr.addr, { sum: ptr.sum, data });
    if (this.cache.size > CACHE_BLOCKS) this.cache.delete(this.cache.keys().next().value!);
    return data;
  }

  /**
   * Writes `data` at `offset`, block by block, and returns how many bytes landed: all of them,
   * or, when space runs out after some blocks were written, the bytes up to the end of the last
   * block written (a short write: the file is consistent, its size covers exactly what landed).
   * A write that could land nothing throws (ENOSPC, EFBIG, ...) and changes nothing.
   * `mayCommit`: when space runs short, the running transaction may be committed part-way
   * (only a plain write allows it: its partial state is a consistent file).
   */
  write(st: InodeState, offset: number, data: Uint8Array, mayCommit = false): number {
    if (offset + data.length > MAX_FILE_SIZE) throw new FsError('EFBIG', `inode ${st.ino}: file would exceed ${MAX_FILE_SIZE} bytes`);
    if (data.length === 0) return 0;
    this.inodes.modify(st);
    const end = offset + data.length;
    let landed = 0;
    for (let index = Math.floor(offset / BLOCK_SIZE); index * BLOCK_SIZE < end; index++) {
      const blockStart = index * BLOCK_SIZE;
      const from = Math.max(offset, blockStart);
      const to = Math.min(end, blockStart + BLOCK_SIZE);
      try {
        this.writeBlock(st, index, from - blockStart, data.subarray(from - offset, to - offset), mayCommit);
      } catch (e) {
        // storeBlock fails with ENOSPC before changing anything: what landed so far stands.
        if (landed > 0 && isFsError(e, 'ENOSPC')) return landed;
        throw e;
      }
      if (to > st.rec.size) st.rec.size = to;
      landed = to - offset;
    }
    return landed;
  }

  /** Puts `bytes` at `at` within block `index`, copying the rest of the block. */
  private writeBlock(st: InodeState, index: number, at: number, bytes: Uint8Array, mayCommit: boolean): void {
    const existing = this.blockPtr(st, index);
    let block = bytes;
    if (bytes.length !== BLOCK_SIZE) {
      block = existing ? this.readBlock(st, existing).slice() : new Uint8Array(BLOCK_SIZE);
      block.set(bytes, at);
    }
    const ptr = this.storeBlock(st, index, existing, block, mayCommit);
    if (block !== bytes) this.remember(ptr, block);
  }

  /** The data block at `index`, if one is mapped there. */
  private blockPtr(st: InodeState, index: number): Ptr | undefined {
    const direct = directBlock(st);
    if (direct) return index === 0 ? direct : undefined;
    const value = this.vol.trees.get(contentSpec(st), st.content, index);
    return value && decodePtrValue(value, st.ino, BlockType.Data);
  }

  /** Mapped blocks from index `first` on, in order. */
  private *mapped(st: InodeState, first: number): Generator<[number, Ptr]> {
    const direct = directBlock(st);
    if (direct) {
      if (first === 0) yield [0, direct];
      return;
    }
    for (const [index, value] of this.vol.trees.entries(contentSpec(st), st.content, first)) {
      yield [index, decodePtrValue(value, st.ino, BlockType.Data)];
    }
  }

  /**
   * Maps block `index` to `ptr`. A file whose only block is block 0 points to it straight
   * from the inode; a second block turns that into a data tree.
   */
  private setBlock(st: InodeState, index: number, ptr: Ptr): void {
    this.inodes.modify(st);
    const direct = directBlock(st);
    if (index === 0 && (st.content === null || direct)) {
      st.content = ptr;
      return;
    }
    if (direct) st.content = this.vol.trees.put(contentSpec(st), null, 0, encodePtrValue(direct));
    st.content = this.vol.trees.put(contentSpec(st), st.content, index, encodePtrValue(ptr));
  }

  private unsetBlock(st: InodeState, index: number): void {
    this.inodes.modify(st);
    if (directBlock(st)) st.content = null;
    else st.content = this.vol.trees.delete(contentSpec(st), st.content, index);
  }

  /**
   * Points block `index` at `block`'s bytes. The old block is released only after the tree
   * path is private: copying a shared leaf first takes a reference on it (top-down order).
   */
  private storeBlock(st: InodeState, index: number, existing: Ptr | undefined, block: Uint8Array, mayCommit = false, freeing = false): Ptr {
    const alloc = this.vol.alloc;
    if (existing && alloc.bornThisTxn(existing.addr) && alloc.refCount(existing.addr) === 1) {
      const ptr = this.vol.store.write(existing.addr, BlockType.Data, block);
      this.setBlock(st, index, ptr);
      return ptr;
    }
    if (freeing) this.ensureBlockFreeing();
    else this.vol.ensureSpace(1, { mayCommit });
    const addr = alloc.alloc();
    let ptr: Ptr;
    try {
      ptr = this.vol.store.write(addr, BlockType.Data, block);
    } catch (e) {
      alloc.release(addr);
      throw e;
    }
    this.setBlock(st, index, ptr);
    if (existing) alloc.release(existing.addr);
    else st.rec.blocks++;
    return ptr;
  }

  truncate(st: InodeState, size: number): void {
    if (size > MAX_FILE_SIZE) throw new FsError('EFBIG', `inode ${st.ino}: ${size} bytes is past the largest file size`);
    if (size === st.rec.size) return;
    this.inodes.modify(st);
    if (size < st.rec.size) this.shrink(st, size);
    st.rec.size = size;
  }

  /**
   * Zeroes the new last block's tail first (the only step that may need a block, and may fail
   * with ENOSPC: then nothing has changed), and only then releases the blocks past the end.
   */
  private shrink(st: InodeState, size: number): void {
    const keep = Math.ceil(size / BLOCK_SIZE);
    if (size % BLOCK_SIZE !== 0) this.zeroTail(st, keep - 1, size % BLOCK_SIZE);
    const doomed = [...this.mapped(st, keep)];
    for (const [index, ptr] of doomed) {
      this.unsetBlock(st, index);
      this.vol.alloc.release(ptr.addr);
      st.rec.blocks--;
    }
  }

  /** Zeroes the last block past the new end, keeping the invariant above. */
  private zeroTail(st: InodeState, index: number, keepBytes: number): void {
    const existing = this.blockPtr(st, index);
    if (!existing) return;
    const block = this.readBlock(st, existing).slice();
    if (block.subarray(keepBytes).every((b) => b === 0)) return;
    block.fill(0, keepBytes);
    this.storeBlock(st, index, existing, block, true, true);
  }

  /**
   * Room for the one block a shrinking truncate needs (its copy of the new last block). The
   * truncate frees more than it takes, so it may use the slop kept back from writes (only the
   * commit's own room is kept), and may commit first to make released blocks reusable: it runs
   * before the truncate has changed anything, so the state is consistent.
   */
  private ensureBlockFreeing(): void {
    const vol = this.vol;
    const fits = (): boolean => vol.alloc.freeBlocks >= 1 + vol.commitReserve();
    if (fits()) return;
    if (vol.alloc.releasedOnCommit > 0 && vol.makeRoom) vol.makeRoom();
    if (!fits()) throw new FsError('ENOSPC', 'no space left on the device');
  }
}
