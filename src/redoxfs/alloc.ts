/**
 * The block allocator: a reference count for every block, kept in memory and persisted as the
 * allocation table (a radix tree of u16 counts, docs/redoxfs-format.md).
 *
 * Invariants:
 * - A block is free when its count is 0 and it is not a header, a table block, a block freed in
 *   the running transaction, or a table block being replaced. So a block the last committed
 *   header references is never handed out before the next commit is durable.
 * - A block allocated in the running transaction ("born") that is released again is free at
 *   once: no committed state can reference it.
 * - `used` always equals the number of blocks that are not free.
 * The table's own blocks are not counted; mount learns them by walking the table.
 */

import { BLOCK_SIZE } from './device.ts';
import { FsError, corrupt } from './errors.ts';
import { BlockType, HEADER_SLOTS, PTR_BYTES, readPtr, viewOf, writePtr, type Ptr } from './format.ts';
import type { BlockStore } from './store.ts';

export const COUNTS_PER_LEAF = BLOCK_SIZE / 2;
export const PTRS_PER_INDEX = BLOCK_SIZE / PTR_BYTES;
const MAX_REFS = 0xffff;

const enum Use {
  Normal = 0,
  Header = 1,
  Table = 2,
  FreedThisTxn = 3,
  RetiringTable = 4,
}

export function tableDepth(blockCount: number): number {
  let depth = 1;
  for (let covered = COUNTS_PER_LEAF; covered < blockCount; covered *= PTRS_PER_INDEX) depth++;
  return depth;
}

export class Allocator {
  readonly refs: Uint16Array;
  private readonly use: Uint8Array;
  private readonly born = new Set<number>();
  private readonly dirty: Set<number>[];
  private readonly levels: (Ptr | null)[][];
  private freedThisTxn: number[] = [];
  private retiring: number[] = [];
  private cursor = HEADER_SLOTS;
  /** Free blocks per group of COUNTS_PER_LEAF blocks: lets allocation skip full regions. */
  private readonly freeInGroup: Uint32Array;
  used = 0;

  constructor(readonly blockCount: number, readonly depth: number) {
    this.refs = new Uint16Array(blockCount);
    this.use = new Uint8Array(blockCount);
    for (let b = 0; b < HEADER_SLOTS; b++) this.use[b] = Use.Header;
    this.used = HEADER_SLOTS;
    this.freeInGroup = new Uint32Array(Math.ceil(blockCount / COUNTS_PER_LEAF));
    for (let g = 0; g < this.freeInGroup.length; g++) this.freeInGroup[g] = Math.min(COUNTS_PER_LEAF, blockCount - g * COUNTS_PER_LEAF);
    this.freeInGroup[0] -= HEADER_SLOTS;
    this.levels = [];
    this.dirty = [];
    let width = Math.ceil(blockCount / COUNTS_PER_LEAF);
    for (let level = 0; level < depth; level++) {
      this.levels.push(new Array<Ptr | null>(width).fill(null));
      this.dirty.push(new Set());
      width = Math.ceil(width / PTRS_PER_INDEX);
    }
  }

  static load(store: BlockStore, root: Ptr | null, depth: number): Allocator {
    const alloc = new Allocator(store.blockCount, depth);
    if (depth !== tableDepth(store.blockCount)) throw corrupt(root?.addr ?? 0, `allocation table depth ${depth} does not fit ${store.blockCount} blocks`);
    if (root) alloc.loadNode(store, root, depth - 1, 0);
    alloc.recount();
    return alloc;
  }

  private loadNode(store: BlockStore, ptr: Ptr, level: number, index: number): void {
    this.claimTableBlock(ptr.addr);
    this.levels[level]![index] = ptr;
    if (level === 0) return this.loadLeaf(store.read(ptr, BlockType.AllocLeaf), index);
    const v = viewOf(store.read(ptr, BlockType.AllocIndex));
    for (let i = 0; i < PTRS_PER_INDEX; i++) {
      const child = readPtr(v, i * PTR_BYTES);
      if (!child) continue;
      const childIndex = index * PTRS_PER_INDEX + i;
      if (childIndex >= this.levels[level - 1]!.length) throw corrupt(ptr.addr, 'allocation index points past the device');
      this.loadNode(store, child, level - 1, childIndex);
    }
  }

  private claimTableBlock(addr: number): void {
    if (addr < HEADER_SLOTS || addr >= this.blockCount || this.use[addr] !== Use.Normal) throw corrupt(addr, 'allocation table block is misplaced or shared');
    this.use[addr] = Use.Table;
  }

  private loadLeaf(bytes: Uint8Array, index: number): void {
    const v = viewOf(bytes);
    const first = index * COUNTS_PER_LEAF;
    const end = Math.min(this.blockCount, first + COUNTS_PER_LEAF);
    for (let b = first; b < end; b++) this.refs[b] = v.getUint16((b - first) * 2, true);
  }

  private recount(): void {
    let used = 0;
    this.freeInGroup.fill(0);
    for (let b = 0; b < this.blockCount; b++) {
      if (this.use[b] !== Use.Normal && this.refs[b] !== 0) throw corrupt(b, 'block is both reserved and referenced');
      if (this.use[b] !== Use.Normal || this.refs[b] !== 0) used++;
      else this.freeInGroup[Math.floor(b / COUNTS_PER_LEAF)]++;
    }
    this.used = used;
  }

  private took(b: number): void {
    this.used++;
    this.freeInGroup[Math.floor(b / COUNTS_PER_LEAF)]--;
  }

  private gaveBack(b: number): void {
    this.used--;
    this.freeInGroup[Math.floor(b / COUNTS_PER_LEAF)]++;
  }

  isFree(b: number): boolean {
    return this.refs[b] === 0 && this.use[b] === Use.Normal;
  }

  get freeBlocks(): number {
    return this.blockCount - this.used;
  }

  /** A block for a tree node or data, with one reference. */
  alloc(): number {
    const b = this.findFree();
    this.refs[b] = 1;
    this.born.add(b);
    this.markDirty(b);
    this.took(b);
    return b;
  }

  bornThisTxn(b: number): boolean {
    return this.born.has(b);
  }

  addRef(b: number): void {
    this.checkReferenced(b);
    if (this.refs[b] === MAX_REFS) throw new FsError('EMLINK', `block ${b} is shared by too many snapshots`);
    this.refs[b]++;
    this.markDirty(b);
  }

  /** Drops one reference; returns the count left. */
  release(b: number): number {
    this.checkReferenced(b);
    const left = --this.refs[b]!;
    this.markDirty(b);
    if (left > 0) return left;
    if (this.born.delete(b)) this.gaveBack(b);
    else {
      this.use[b] = Use.FreedThisTxn;
      this.freedThisTxn.push(b);
    }
    return 0;
  }

  refCount(b: number): number {
    return this.refs[b]!;
  }

  private checkReferenced(b: number): void {
    if (!Number.isInteger(b) || b < HEADER_SLOTS || b >= this.blockCount || this.refs[b] === 0) {
      throw corrupt(b, 'reference count is already zero (the block is shared wrongly or the table is stale)');
    }
  }

  /** Next free block from the cursor on, wrapping once; whole full groups are skipped. */
  private findFree(): number {
    const groups = this.freeInGroup.length;
    const startGroup = Math.floor(this.cursor / COUNTS_PER_LEAF);
    for (let step = 0; step <= groups; step++) {
      const g = (startGroup + step) % groups;
      if (this.freeInGroup[g] === 0) continue;
      const from = step === 0 ? this.cursor : g * COUNTS_PER_LEAF;
      const end = Math.min(this.blockCount, (g + 1) * COUNTS_PER_LEAF);
      for (let b = from; b < end; b++) {
        if (this.refs[b] === 0 && this.use[b] === Use.Normal) {
          this.cursor = b + 1 < this.blockCount ? b + 1 : HEADER_SLOTS;
          return b;
        }
      }
    }
    throw new FsError('ENOSPC', 'no free blocks left on the device');
  }

  private markDirty(b: number): void {
    this.dirty[0]!.add(Math.floor(b / COUNTS_PER_LEAF));
  }

  /** Blocks the next commit will consume for the table, at most. */
  tableBlocksNeeded(): number {
    return this.dirty[0]!.size * this.depth + this.depth;
  }

  /** Writes the changed parts of the table to fresh blocks; returns the new root. */
  writeTable(store: BlockStore): Ptr | null {
    for (let level = 0; level < this.depth; level++) {
      for (const index of [...this.dirty[level]!].sort((a, b) => a - b)) this.writeTableNode(store, level, index);
      this.dirty[level]!.clear();
    }
    return this.levels[this.depth - 1]![0]!;
  }

  private writeTableNode(store: BlockStore, level: number, index: number): void {
    const old = this.levels[level]![index]!;
    if (old) {
      this.use[old.addr] = Use.RetiringTable;
      this.retiring.push(old.addr);
    }
    const bytes = level === 0 ? this.encodeLeaf(index) : this.encodeIndex(level, index);
    this.levels[level]![index] = bytes ? this.writeTableBlock(store, level, bytes) : null;
    if (level + 1 < this.depth) this.dirty[level + 1]!.add(Math.floor(index / PTRS_PER_INDEX));
  }

  private writeTableBlock(store: BlockStore, level: number, bytes: Uint8Array): Ptr {
    const addr = this.findFree();
    this.use[addr] = Use.Table;
    this.took(addr);
    return store.write(addr, level === 0 ? BlockType.AllocLeaf : BlockType.AllocIndex, bytes);
  }

  /** The leaf's bytes, or null when every count in it is zero. */
  private encodeLeaf(index: number): Uint8Array | null {
    const bytes = new Uint8Array(BLOCK_SIZE);
    const v = viewOf(bytes);
    const first = index * COUNTS_PER_LEAF;
    const end = Math.min(this.blockCount, first + COUNTS_PER_LEAF);
    let any = false;
    for (let b = first; b < end; b++) {
      if (this.refs[b] === 0) continue;
      any = true;
      v.setUint16((b - first) * 2, this.refs[b]!, true);
    }
    return any ? bytes : null;
  }

  private encodeIndex(level: number, index: number): Uint8Array | null {
    const bytes = new Uint8Array(BLOCK_SIZE);
    const v = viewOf(bytes);
    const children = this.levels[level - 1]!;
    let any = false;
    for (let i = 0; i < PTRS_PER_INDEX; i++) {
      const child = children[index * PTRS_PER_INDEX + i];
      if (!child) continue;
      any = true;
      writePtr(v, i * PTR_BYTES, child);
    }
    return any ? bytes : null;
  }

  /** Blocks the next commit will make free again. */
  get releasedOnCommit(): number {
    return this.freedThisTxn.length + this.retiring.length;
  }

  /** Used blocks as the table just written records them (what a mount will count). */
  usedAfterCommit(): number {
    return this.used - this.freedThisTxn.length - this.retiring.length;
  }

  /** Once the header is durable, what the transaction freed may be reused. */
  afterCommit(): void {
    for (const b of [...this.freedThisTxn, ...this.retiring]) {
      this.use[b] = Use.Normal;
      this.gaveBack(b);
    }
    this.freedThisTxn = [];
    this.retiring = [];
    this.born.clear();
  }

  /** Blocks of the table itself (for fsck). */
  tableBlocks(): number[] {
    const out: number[] = [];
    for (let b = 0; b < this.blockCount; b++) if (this.use[b] === Use.Table) out.push(b);
    return out;
  }
}
