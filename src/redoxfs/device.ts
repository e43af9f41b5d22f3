/**
 * The block device interface the whole filesystem sits on, and the in-memory device.
 *
 * Contract: every call is synchronous (the in-OS daemon does its I/O through blocking
 * syscalls). `read` fills `out` with the block's bytes; `write` may sit in a volatile cache
 * until `flush` returns, after which every earlier write is durable. Nothing else is promised
 * about ordering: unflushed writes may land in any order, partly, or not at all.
 */

export interface BlockDevice {
  readonly blockSize: number;
  readonly blockCount: number;
  read(block: number, out: Uint8Array): void;
  write(block: number, data: Uint8Array): void;
  flush(): void;
  close?(): void;
  /** Optional: reads `out.length / blockSize` consecutive blocks from `first` in one call. */
  readBlocks?(first: number, out: Uint8Array): void;
}

export const BLOCK_SIZE = 4096;

export function checkBlockRange(device: BlockDevice, block: number, length: number): void {
  if (!Number.isInteger(block) || block < 0 || block >= device.blockCount) {
    throw new RangeError(`block ${block} is outside the device (0..${device.blockCount - 1})`);
  }
  if (length !== device.blockSize) throw new RangeError(`buffer is ${length} bytes, block size is ${device.blockSize}`);
}

/**
 * A device in memory that stores only the blocks ever written (unwritten blocks read as
 * zeros), so a sparse multi-GiB image costs only what it holds.
 */
export class MemoryDevice implements BlockDevice {
  readonly blockSize = BLOCK_SIZE;
  readonly blocks = new Map<number, Uint8Array>();

  constructor(readonly blockCount: number) {}

  static fromBlocks(blockCount: number, blocks: Map<number, Uint8Array>): MemoryDevice {
    const device = new MemoryDevice(blockCount);
    for (const [block, bytes] of blocks) device.blocks.set(block, bytes.slice());
    return device;
  }

  read(block: number, out: Uint8Array): void {
    checkBlockRange(this, block, out.length);
    const stored = this.blocks.get(block);
    if (stored) out.set(stored);
    else out.fill(0);
  }

  readBlocks(first: number, out: Uint8Array): void {
    for (let i = 0; i * this.blockSize < out.length; i++) this.read(first + i, out.subarray(i * this.blockSize, (i + 1) * this.blockSize));
  }

  write(block: number, data: Uint8Array): void {
    checkBlockRange(this, block, data.length);
    this.blocks.set(block, data.slice());
  }

  flush(): void {}

  clone(): MemoryDevice {
    return MemoryDevice.fromBlocks(this.blockCount, this.blocks);
  }

  /** Bytes actually stored: what a sparse image costs. */
  storedBytes(): number {
    return this.blocks.size * this.blockSize;
  }
}
