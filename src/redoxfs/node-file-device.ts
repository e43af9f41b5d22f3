/**
 * NODE-ONLY. A block device on a host file (a disk image), through node:fs synchronous calls:
 * `flush` is a real fsync, so a commit is durable when it returns. Only the host tool and the
 * host layer import this file; the filesystem core never does.
 */

import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { BLOCK_SIZE, checkBlockRange, type BlockDevice } from './device.ts';
import { FsError } from './errors.ts';
import { lockImage } from './node-image-lock.ts';

export interface FileDeviceOptions {
  readOnly?: boolean;
  /** Create (or resize) the image to this many bytes, rounded down to whole blocks. */
  createSize?: number;
}

export class FileDevice implements BlockDevice {
  readonly blockSize = BLOCK_SIZE;
  readonly blockCount: number;
  private fd: number | null;
  /** Held while the image is open for writing (node-image-lock.ts). */
  private readonly unlock: (() => void) | null;

  constructor(readonly path: string, options: FileDeviceOptions = {}) {
    const flags = options.createSize !== undefined ? 'w+' : options.readOnly ? 'r' : 'r+';
    this.unlock = options.readOnly ? null : lockImage(path);
    try {
      this.fd = openSync(path, flags);
    } catch (error) {
      this.unlock?.();
      throw error;
    }
    if (options.createSize !== undefined) ftruncateSync(this.fd, Math.floor(options.createSize / BLOCK_SIZE) * BLOCK_SIZE);
    this.blockCount = Math.floor(fstatSync(this.fd).size / BLOCK_SIZE);
  }

  read(block: number, out: Uint8Array): void {
    checkBlockRange(this, block, out.length);
    this.readAt(block, out);
  }

  readBlocks(first: number, out: Uint8Array): void {
    const count = out.length / BLOCK_SIZE;
    if (!Number.isInteger(count) || first < 0 || first + count > this.blockCount) throw new RangeError(`blocks ${first}..${first + count - 1} are outside the device`);
    this.readAt(first, out);
  }

  private readAt(block: number, out: Uint8Array): void {
    let done = 0;
    while (done < out.length) {
      const n = readSync(this.handle(), out, done, out.length - done, block * BLOCK_SIZE + done);
      if (n === 0) throw new FsError('EIO', `${this.path}: short read at block ${block}`, block);
      done += n;
    }
  }

  write(block: number, data: Uint8Array): void {
    checkBlockRange(this, block, data.length);
    let done = 0;
    while (done < data.length) done += writeSync(this.handle(), data, done, data.length - done, block * BLOCK_SIZE + done);
  }

  flush(): void {
    fsyncSync(this.handle());
  }

  close(): void {
    this.unlock?.();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private handle(): number {
    if (this.fd === null) throw new FsError('EBADF', `${this.path}: device is closed`);
    return this.fd;
  }
}
