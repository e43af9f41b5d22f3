/**
 * Volume: one opened image. It owns the header, the block store (checksums, encryption), the
 * allocator and the trees, and runs the commit protocol:
 *   write dirty tree nodes → write the changed allocation table → flush → write the header into
 *   slot (generation mod 4) → flush → release what the transaction freed.
 * Mount picks the newest header slot that validates, so a power cut at any instant leaves the
 * last committed state intact. A failed commit poisons the volume: it must be remounted.
 *
 * The volume knows roots, not files: `liveRoot` (inode tree) and `snapshotRoot` are replaced
 * by the layers above between commits.
 */

import { Allocator, tableDepth } from './alloc.ts';
import { Trees, type Root } from './btree.ts';
import {
  DEFAULT_KDF, MASTER_KEY_BYTES, SALT_BYTES, deriveKek, portableCrypto, unwrapKey, wrapKey,
  type CryptoBackend, type KdfParams,
} from './crypto.ts';
import { BLOCK_SIZE, type BlockDevice } from './device.ts';
import { FsError, isFsError } from './errors.ts';
import { HEADER_SLOTS, decodeHeader, encodeHeader, type Header, type KdfHeader, type Timespec } from './format.ts';
import { BlockStore } from './store.ts';

export type Clock = () => Timespec;

/** Wall-clock time with sub-millisecond precision where the runtime offers it. */
export const systemClock: Clock = () => {
  const ms = performance.timeOrigin + performance.now();
  const sec = Math.floor(ms / 1000);
  return { sec, nsec: Math.min(999_999_999, Math.floor((ms - sec * 1000) * 1e6)) };
};

export interface VolumeOptions {
  password?: string;
  crypto?: CryptoBackend;
  readOnly?: boolean;
  clock?: Clock;
}

export interface FormatOptions {
  password?: string;
  kdf?: KdfParams;
  crypto?: CryptoBackend;
  clock?: Clock;
  /** Filesystem size in blocks; defaults to the whole device. */
  blockCount?: number;
}

const MIN_BLOCKS = 64;

export class Volume {
  readonly store: BlockStore;
  readonly alloc: Allocator;
  readonly trees: Trees;
  readonly clock: Clock;
  readonly readOnly: boolean;
  header: Header;
  liveRoot: Root;
  snapshotRoot: Root;
  private poisoned: FsError | null = null;
  /** Set by the filesystem: commits the running transaction (frees what it released). */
  makeRoom: (() => void) | null = null;

  private constructor(store: BlockStore, alloc: Allocator, header: Header, options: VolumeOptions) {
    this.store = store;
    this.alloc = alloc;
    this.trees = new Trees(store, alloc);
    this.header = header;
    this.liveRoot = header.liveRoot;
    this.snapshotRoot = header.snapshotRoot;
    this.clock = options.clock ?? systemClock;
    this.readOnly = options.readOnly ?? false;
  }

  /** Writes an empty filesystem (no inodes yet) and returns it opened read-write. */
  static format(device: BlockDevice, options: FormatOptions = {}): Volume {
    const blockCount = options.blockCount ?? device.blockCount;
    if (blockCount < MIN_BLOCKS) throw new FsError('EINVAL', `a filesystem needs at least ${MIN_BLOCKS} blocks (${MIN_BLOCKS * BLOCK_SIZE} bytes)`);
    const crypto = options.crypto ?? portableCrypto;
    const keys = options.password !== undefined ? newKeys(crypto, options.password, options.kdf ?? DEFAULT_KDF) : null;
    const store = new BlockStore(device, keys ? crypto.xts(keys.master) : null, blockCount);
    const clock = options.clock ?? systemClock;
    const header: Header = {
      uuid: crypto.randomBytes(16), blockCount, generation: 0, encrypted: keys !== null, nextIno: 1,
      liveRoot: null, snapshotRoot: null, allocRoot: null, allocDepth: tableDepth(blockCount), nextSnapshotId: 1,
      usedBlocks: HEADER_SLOTS, dirHashKey: crypto.randomBytes(8), commitTime: clock(), inodeCount: 0, kdf: keys?.kdf ?? null,
    };
    for (let slot = 0; slot < HEADER_SLOTS; slot++) store.writeHeaderSlot(slot, new Uint8Array(BLOCK_SIZE));
    return new Volume(store, new Allocator(blockCount, header.allocDepth), header, { clock });
  }

  static open(device: BlockDevice, options: VolumeOptions = {}): Volume {
    const header = newestHeader(device);
    const cipher = header.encrypted ? unlock(header, options) : null;
    const store = new BlockStore(device, cipher, header.blockCount);
    const alloc = Allocator.load(store, header.allocRoot, header.allocDepth);
    return new Volume(store, alloc, header, options);
  }

  // ---- transactions ----

  checkWritable(): void {
    if (this.poisoned) throw this.poisoned;
    if (this.readOnly) throw new FsError('EROFS', 'the filesystem is mounted read-only');
  }

  get stopped(): boolean {
    return this.poisoned !== null;
  }

  checkUsable(): void {
    if (this.poisoned) throw this.poisoned;
  }

  poison(cause: unknown): void {
    const why = cause instanceof Error ? cause.message : String(cause);
    this.poisoned ??= new FsError('EIO', `the filesystem stopped after an error and must be remounted (${why})`);
  }

  /** Blocks the next commit may need for metadata, beyond what is already allocated. */
  commitReserve(): number {
    return this.trees.dirtyNodes + this.alloc.tableBlocksNeeded() + 8;
  }

  /**
   * Fails with ENOSPC unless `blocks` more can be taken while keeping room for the commit and
   * the slop. With `mayCommit`, first commits when that would free what this transaction
   * released (the caller must be at a point where the state is consistent).
   */
  ensureSpace(blocks: number, options: { mayCommit?: boolean } = {}): void {
    if (this.hasSpace(blocks, true)) return;
    if (options.mayCommit && this.alloc.releasedOnCommit > 0 && this.makeRoom) this.makeRoom();
    if (!this.hasSpace(blocks, true)) throw new FsError('ENOSPC', 'no space left on the device');
  }

  private hasSpace(blocks: number, slop: boolean): boolean {
    const keep = this.commitReserve() + (slop ? this.slop() : 0);
    return this.alloc.freeBlocks >= blocks + keep;
  }

  /** Space kept back from writes so that deleting still works on a full filesystem. */
  slop(): number {
    return Math.max(16, Math.floor(this.header.blockCount / 100));
  }

  /**
   * Space is short but the running transaction freed blocks: committing makes them reusable.
   * Deletions call this too, before they eat into the slop.
   */
  relieveSpacePressure(): void {
    if (this.alloc.releasedOnCommit > 0 && this.makeRoom && !this.hasSpace(this.slop(), false)) this.makeRoom();
  }

  /** The commit protocol. `extra` header fields (nextIno, inodeCount, kdf) come from above. */
  commit(fields: Partial<Pick<Header, 'nextIno' | 'inodeCount' | 'nextSnapshotId' | 'kdf'>> = {}): void {
    this.checkWritable();
    try {
      this.writeCommit(fields);
    } catch (e) {
      this.poison(e);
      throw isFsError(e) ? e : this.poisoned;
    }
  }

  private writeCommit(fields: Partial<Header>): void {
    const liveRoot = this.trees.flush(this.liveRoot);
    const snapshotRoot = this.trees.flush(this.snapshotRoot);
    const allocRoot = this.alloc.writeTable(this.store);
    this.store.flush();
    const generation = this.header.generation + 1;
    const header: Header = {
      ...this.header, ...fields, generation, liveRoot, snapshotRoot, allocRoot,
      usedBlocks: this.alloc.usedAfterCommit(), commitTime: this.clock(),
    };
    this.store.writeHeaderSlot(generation % HEADER_SLOTS, encodeHeader(header, generation % HEADER_SLOTS));
    this.store.flush();
    this.header = header;
    this.liveRoot = liveRoot;
    this.snapshotRoot = snapshotRoot;
    this.alloc.afterCommit();
  }

  /** Writes the current header into every slot, so no older slot keeps an old key wrapping. */
  rewriteAllSlots(): void {
    this.checkWritable();
    for (let slot = 0; slot < HEADER_SLOTS; slot++) {
      if (slot !== this.header.generation % HEADER_SLOTS) this.store.writeHeaderSlot(slot, encodeHeader(this.header, slot));
    }
    this.store.flush();
  }

  /** A new wrapping of the same master key under a new password. */
  rewrapKey(oldPassword: string, newPassword: string, kdf: KdfParams, crypto: CryptoBackend): KdfHeader {
    const current = this.header.kdf;
    if (!current) throw new FsError('EINVAL', 'the filesystem is not encrypted');
    const master = unwrapKey(deriveKek(oldPassword, current.salt, current), current.wrappedKey);
    if (!master) throw new FsError('EACCES', 'wrong password');
    const salt = crypto.randomBytes(SALT_BYTES);
    return { ...kdf, salt, wrappedKey: wrapKey(deriveKek(newPassword, salt, kdf), master) };
  }
}

function newKeys(crypto: CryptoBackend, password: string, kdf: KdfParams): { master: Uint8Array; kdf: KdfHeader } {
  const master = crypto.randomBytes(MASTER_KEY_BYTES);
  const salt = crypto.randomBytes(SALT_BYTES);
  return { master, kdf: { ...kdf, salt, wrappedKey: wrapKey(deriveKek(password, salt, kdf), master) } };
}

function unlock(header: Header, options: VolumeOptions) {
  const kdf = header.kdf;
  if (!kdf) throw new FsError('EIO', 'the header says encrypted but holds no key');
  if (options.password === undefined) throw new FsError('EACCES', 'the filesystem is encrypted: a password is needed');
  const master = unwrapKey(deriveKek(options.password, kdf.salt, kdf), kdf.wrappedKey);
  if (!master) throw new FsError('EACCES', 'wrong password');
  return (options.crypto ?? portableCrypto).xts(master);
}

function readSlot(device: BlockDevice, slot: number): Uint8Array {
  const bytes = new Uint8Array(BLOCK_SIZE);
  try {
    device.read(slot, bytes);
  } catch (e) {
    if (isFsError(e)) throw e;
    throw new FsError('EIO', `cannot read header slot ${slot}: ${(e as Error).message}`, slot);
  }
  return bytes;
}

/** The valid header with the highest generation; a clear error when there is none. */
export function newestHeader(device: BlockDevice): Header {
  if (device.blockSize !== BLOCK_SIZE) throw new FsError('EINVAL', `device block size ${device.blockSize} is not ${BLOCK_SIZE}`);
  if (device.blockCount < HEADER_SLOTS) throw new FsError('EINVAL', 'not a RedoxFS image: too small to hold a header');
  let best: Header | null = null;
  const problems: string[] = [];
  let foreign = 0;
  for (let slot = 0; slot < HEADER_SLOTS; slot++) {
    const check = decodeHeader(readSlot(device, slot), slot);
    if (check.ok) {
      if (!best || check.header.generation > best.generation) best = check.header;
    } else {
      problems.push(`slot ${slot}: ${check.reason}`);
      if (check.foreign) foreign++;
    }
  }
  if (best) return best;
  if (foreign === HEADER_SLOTS) throw new FsError('EINVAL', 'not a RedoxFS image (no RedoxFS signature in any header slot)');
  throw new FsError('EIO', `no valid header: ${problems.join('; ')}`);
}

export interface ImageProbe {
  encrypted: boolean;
  uuid: Uint8Array;
  generation: number;
  blockCount: number;
}

/** What a bootloader needs before mounting: is this RedoxFS, and does it need a password? */
export function probeImage(device: BlockDevice): ImageProbe {
  const h = newestHeader(device);
  return { encrypted: h.encrypted, uuid: h.uuid, generation: h.generation, blockCount: h.blockCount };
}

/** The header slots as they are (for `info` and fsck). */
export function headerSlots(device: BlockDevice): { slot: number; generation?: number; problem?: string }[] {
  const out: { slot: number; generation?: number; problem?: string }[] = [];
  for (let slot = 0; slot < HEADER_SLOTS; slot++) {
    const check = decodeHeader(readSlot(device, slot), slot);
    out.push(check.ok ? { slot, generation: check.header.generation } : { slot, problem: check.reason });
  }
  return out;
}
