/**
 * BlockStore: the checksum and encryption layer between the block device and the trees.
 * Every block read goes through `read(ptr)`, which checks the stored bytes against the
 * checksum the parent pointer carries before decrypting them; so a torn, stale, misdirected
 * or rotted block is an EIO naming its address, never wrong bytes. `write` encrypts (when the
 * image is encrypted), checksums the stored bytes and returns the pointer to keep.
 * Header slots bypass encryption; they carry their own checksum (format.ts).
 */

import { crc32c } from './checksum.ts';
import { BLOCK_SIZE, type BlockDevice } from './device.ts';
import type { BlockCipher } from './crypto.ts';
import { FsError, corrupt, isFsError } from './errors.ts';
import { HEADER_SLOTS, type BlockType, type Ptr } from './format.ts';

/** The most blocks read in one device call (1 MiB). */
const MAX_RUN = 256;

export class BlockStore {
  readonly blockCount: number;
  private readonly writeListeners: ((addr: number) => void)[] = [];

  /** `blockCount`: the filesystem's size, which may be smaller than the device. */
  constructor(readonly device: BlockDevice, private readonly cipher: BlockCipher | null, blockCount = device.blockCount) {
    if (device.blockSize !== BLOCK_SIZE) throw new FsError('EINVAL', `device block size ${device.blockSize} is not ${BLOCK_SIZE}`);
    if (blockCount > device.blockCount) throw new FsError('EINVAL', `image is truncated: the filesystem has ${blockCount} blocks, the device ${device.blockCount}`);
    this.blockCount = blockCount;
  }

  get encrypted(): boolean {
    return this.cipher !== null;
  }

  read(ptr: Ptr, type: BlockType): Uint8Array {
    if (ptr.type !== type) throw corrupt(ptr.addr, `pointer says block type ${ptr.type}, expected ${type}`);
    const raw = this.readRaw(ptr.addr);
    if (crc32c(raw) !== ptr.sum) throw corrupt(ptr.addr, 'checksum mismatch');
    return this.cipher ? this.cipher.decrypt(ptr.addr, raw) : raw;
  }

  /** Like `read` for each pointer; runs of consecutive addresses cost one device call. */
  readMany(ptrs: readonly Ptr[], type: BlockType): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = 0; i < ptrs.length; ) {
      let run = 1;
      while (i + run < ptrs.length && run < MAX_RUN && ptrs[i + run]!.addr === ptrs[i]!.addr + run) run++;
      out.push(...this.readRun(ptrs.slice(i, i + run), type));
      i += run;
    }
    return out;
  }

  private readRun(ptrs: Ptr[], type: BlockType): Uint8Array[] {
    if (ptrs.length === 1 || !this.device.readBlocks) return ptrs.map((p) => this.read(p, type));
    const first = ptrs[0]!.addr;
    this.checkAddress(first);
    this.checkAddress(first + ptrs.length - 1);
    const raw = new Uint8Array(ptrs.length * BLOCK_SIZE);
    this.deviceCall(first, () => this.device.readBlocks!(first, raw));
    return ptrs.map((ptr, i) => {
      if (ptr.type !== type) throw corrupt(ptr.addr, `pointer says block type ${ptr.type}, expected ${type}`);
      const block = raw.subarray(i * BLOCK_SIZE, (i + 1) * BLOCK_SIZE);
      if (crc32c(block) !== ptr.sum) throw corrupt(ptr.addr, 'checksum mismatch');
      return this.cipher ? this.cipher.decrypt(ptr.addr, block) : block;
    });
  }

  /** Caches of decoded blocks subscribe here: a block written again must be forgotten. */
  onWrite(listener: (addr: number) => void): void {
    this.writeListeners.push(listener);
  }

  write(addr: number, type: BlockType, plain: Uint8Array): Ptr {
    this.checkAddress(addr);
    for (const listener of this.writeListeners) listener(addr);
    const stored = this.cipher ? this.cipher.encrypt(addr, plain) : plain;
    this.deviceCall(addr, () => this.device.write(addr, stored));
    return { addr, sum: crc32c(stored), type };
  }

  private readRaw(addr: number): Uint8Array {
    this.checkAddress(addr);
    const raw = new Uint8Array(BLOCK_SIZE);
    this.deviceCall(addr, () => this.device.read(addr, raw));
    return raw;
  }

  writeHeaderSlot(slot: number, bytes: Uint8Array): void {
    this.deviceCall(slot, () => this.device.write(slot, bytes));
  }

  flush(): void {
    this.deviceCall(-1, () => this.device.flush());
  }

  private checkAddress(addr: number): void {
    if (!Number.isInteger(addr) || addr < HEADER_SLOTS || addr >= this.blockCount) throw corrupt(addr, 'block address outside the data area');
  }

  /** Device failures surface as EIO with the block, whatever the device threw. */
  private deviceCall(addr: number, call: () => void): void {
    try {
      call();
    } catch (e) {
      if (isFsError(e)) throw e;
      const what = addr < 0 ? 'flush' : `block ${addr}`;
      throw new FsError('EIO', `device error at ${what}: ${(e as Error).message}`, addr < 0 ? undefined : addr);
    }
  }
}
