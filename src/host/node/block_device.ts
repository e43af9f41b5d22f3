/**
 * A disk image file as a machine block device (the kernel's `hw` scheme serves it to the one
 * driver that opens it). Asynchronous node:fs calls, so disk I/O never blocks the kernel's
 * event loop; `flush` is fdatasync, so a RedoxFS commit on top of it is durable when it returns.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { lockImage } from '../../redoxfs/node-image-lock.ts';
import type { HostBlockDevice } from '../../kernel/types.ts';

const releases: (() => void)[] = [];
function releaseAtExit(release: () => void): void {
  if (releases.length === 0) process.on('exit', () => releases.forEach((r) => r()));
  releases.push(release);
}

export interface DiskSpec {
  name: string;
  path: string;
  readOnly: boolean;
  /** Writes stay in an in-memory overlay and the image file is never changed. */
  ephemeral: boolean;
  /** The password of an encrypted disk, for its driver (the in-OS RedoxFS daemon). */
  password?: string;
}

const OVERLAY_BLOCK = 4096;

export async function openDisk(spec: DiskSpec): Promise<HostBlockDevice> {
  // A machine writing the image holds its lock until the process ends (the host tool or a second machine is refused).
  if (!spec.readOnly && !spec.ephemeral) releaseAtExit(lockImage(spec.path));
  const file: FileHandle = await open(spec.path, spec.readOnly || spec.ephemeral ? 'r' : 'r+');
  const { size } = await file.stat();
  const device: HostBlockDevice = {
    name: spec.name,
    ...(spec.password !== undefined ? { password: spec.password } : {}),
    sizeBytes: size,
    readOnly: spec.readOnly,
    async read(offset, length) {
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await file.read(out, done, length - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === length ? out : out.subarray(0, done);
    },
    async write(offset, data) {
      let done = 0;
      while (done < data.length) done += (await file.write(data, done, data.length - done, offset + done)).bytesWritten;
      return done;
    },
    async flush() {
      await file.datasync();
    },
  };
  return spec.ephemeral ? withOverlay(device) : device;
}

/** The device with its writes kept in memory, block by block, over the unchanged file. */
function withOverlay(base: HostBlockDevice): HostBlockDevice {
  const blocks = new Map<number, Uint8Array>();
  const block = async (index: number): Promise<Uint8Array> => {
    const held = blocks.get(index);
    if (held) return held;
    const start = index * OVERLAY_BLOCK;
    const data = new Uint8Array(OVERLAY_BLOCK);
    data.set(await base.read(start, Math.min(OVERLAY_BLOCK, base.sizeBytes - start)));
    return data;
  };
  return {
    name: base.name,
    ...(base.password !== undefined ? { password: base.password } : {}),
    sizeBytes: base.sizeBytes,
    readOnly: false,
    /** Held blocks from memory; each run of blocks between them from the file in one read. */
    async read(offset, length) {
      const out = new Uint8Array(length);
      let fromFile = -1;
      const readRun = async (end: number): Promise<void> => {
        if (fromFile < 0) return;
        out.set(await base.read(offset + fromFile, end - fromFile), fromFile);
        fromFile = -1;
      };
      for (let at = 0; at < length; ) {
        const index = Math.floor((offset + at) / OVERLAY_BLOCK);
        const within = (offset + at) % OVERLAY_BLOCK;
        const n = Math.min(OVERLAY_BLOCK - within, length - at);
        const held = blocks.get(index);
        if (held) {
          await readRun(at);
          out.set(held.subarray(within, within + n), at);
        } else if (fromFile < 0) {
          fromFile = at;
        }
        at += n;
      }
      await readRun(length);
      return out;
    },
    async write(offset, data) {
      for (let at = 0; at < data.length; ) {
        const index = Math.floor((offset + at) / OVERLAY_BLOCK);
        const within = (offset + at) % OVERLAY_BLOCK;
        const n = Math.min(OVERLAY_BLOCK - within, data.length - at);
        const target = await block(index);
        target.set(data.subarray(at, at + n), within);
        blocks.set(index, target);
        at += n;
      }
      return data.length;
    },
    async flush() {},
  };
}
