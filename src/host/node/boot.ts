/**
 * The bootloader on Node: reads the boot image, takes the kernel and the process runtime from it,
 * starts the kernel in its own Worker and joins the host terminal to the kernel's console.
 * Resolves with the machine's exit status when the OS powers off.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { RedoxFS } from '../../redoxfs/fs.ts';
import { isFsError } from '../../redoxfs/errors.ts';
import { nodeCrypto } from '../../redoxfs/node-crypto.ts';
import { FileDevice } from '../../redoxfs/node-file-device.ts';
import { lockImage } from '../../redoxfs/node-image-lock.ts';
import { resolve } from '../../redoxfs/paths.ts';
import { INITFS_MAGIC, initfsFile, parseInitfs } from '../../syscall/initfs.ts';
import type { DiskSpec } from './block_device.ts';
import { REPO_DEVICE, packRepository, type MemoryDeviceSpec } from './repo_device.ts';
import type { HostToKernel, KernelBoot, KernelToHost } from './messages.ts';

export interface BootOptions {
  imagePath: string;
  initArgs: string[];
  trace: boolean;
  memoryMiB?: number;
  /** Keep the disk's writes in memory and drop them at power-off (like qemu -snapshot). */
  ephemeral?: boolean;
  /** The password of an encrypted disk. */
  password?: string;
  /** A package repository folder to hand the machine as the read-only device repo0. */
  repoDir?: string;
  input?: NodeJS.ReadStream;
  output?: NodeJS.WriteStream;
  errors?: NodeJS.WriteStream;
}

export class BootError extends Error {
  constructor(
    message: string,
    readonly reason: 'password-needed' | 'wrong-password' | 'other' = 'other',
  ) {
    super(message);
  }
}

interface LoadedImage {
  image: Uint8Array;
  kernel: string;
  runtime: string;
  disks: DiskSpec[];
}

function readImageFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new BootError(`cannot read boot image ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** A RedoxFS disk image: the bootloader reads /boot/initfs.img from it and hands the disk to the machine. */
function initfsFromDisk(path: string, password: string | undefined): { bytes: Uint8Array; encrypted: boolean } {
  let device: FileDevice | null = null;
  try {
    device = new FileDevice(path, { readOnly: true });
    const fs = RedoxFS.mount(device, { readOnly: true, crypto: nodeCrypto, ...(password !== undefined ? { password } : {}) });
    const ino = resolve(fs, '/boot/initfs.img');
    const bytes = fs.read(ino, 0, fs.getattr(ino).size);
    const encrypted = fs.statvfs().encrypted;
    fs.unmount();
    return { bytes, encrypted };
  } catch (error) {
    if (isFsError(error, 'EACCES')) throw new BootError(`${path}: ${error.message}`, password === undefined ? 'password-needed' : 'wrong-password');
    if (isFsError(error, 'ENOENT')) throw new BootError(`${path}: the disk holds no /boot/initfs.img`);
    throw new BootError(`${path}: ${(error as Error).message}`);
  } finally {
    device?.close();
  }
}

function isInitfsImage(path: string): boolean {
  const head = new Uint8Array(8);
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    readSync(fd, head, 0, 8, 0);
  } catch (error) {
    throw new BootError(`cannot read boot image ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  } finally {
    if (fd !== null) closeSync(fd);
  }
  return new TextDecoder().decode(head) === INITFS_MAGIC;
}

function loadImage(path: string, ephemeral: boolean, password: string | undefined): LoadedImage {
  const isInitfs = isInitfsImage(path);
  const disk = isInitfs ? null : initfsFromDisk(path, password);
  const image = disk ? disk.bytes : readImageFile(path);
  // The password goes to the machine only for a disk that needs it.
  const key = disk?.encrypted && password !== undefined ? { password } : {};
  const disks: DiskSpec[] = disk ? [{ name: 'disk0', path, readOnly: false, ephemeral, ...key }] : [];
  let fs;
  try {
    fs = parseInitfs(image);
  } catch (error) {
    throw new BootError(`${path}: ${(error as Error).message}`);
  }
  const kernel = initfsFile(fs, 'boot/kernel.js');
  const runtime = initfsFile(fs, 'boot/procrt.js');
  if (!kernel || !runtime) throw new BootError(`${path} holds no /boot/kernel.js or /boot/procrt.js`);
  const text = new TextDecoder();
  return { image, kernel: text.decode(kernel), runtime: text.decode(runtime), disks };
}

/** Packed at every boot, so a reboot sees what was cooked meanwhile. */
function repositoryDevice(dir: string): MemoryDeviceSpec {
  try {
    return { name: REPO_DEVICE, bytes: packRepository(dir) };
  } catch (error) {
    throw new BootError((error as Error).message);
  }
}

const REBOOT = 'reboot';

/**
 * The kernel Worker's heap limit. Generous: the kernel's own objects (process table, handles,
 * promises of calls in flight) take a few tens of MiB, and pipe buffers, slots and shared memory
 * live outside the JS heap. A kernel leak thus ends as a clear panic long before it could take
 * the host down.
 */
export const KERNEL_HEAP_MIB = 1024;

/**
 * Boots the image and runs it until it powers off; a reboot boots it again (an ephemeral disk
 * starts fresh). The command of `-c` runs on the first boot only: the boots after a reboot come
 * up as a plain boot does (a login on a terminal, a shell reading a pipe), so `-c reboot` ends.
 */
export async function bootNode(options: BootOptions): Promise<number> {
  // Taken once and held across reboots, so no other machine or tool can take the image between
  // two boots; released only after the last kernel Worker has exited (runMachine resolves then),
  // so none of its disk writes can still be in flight. Lent to the kernel Worker, whose openDisk
  // takes it again (node-image-lock.ts).
  let unlock: () => void = () => undefined;
  if (!options.ephemeral && !isInitfsImage(options.imagePath)) {
    try {
      unlock = lockImage(options.imagePath, { lendToWorkers: true });
    } catch (error) {
      throw new BootError(error instanceof Error ? error.message : String(error));
    }
  }
  try {
    for (let boot = options; ; boot = { ...boot, initArgs: [] }) {
      const outcome = await runMachine(boot);
      if (outcome !== REBOOT) return outcome;
    }
  } finally {
    unlock();
  }
}

function runMachine(options: BootOptions): Promise<number | typeof REBOOT> {
  const { image, kernel, runtime, disks } = loadImage(options.imagePath, options.ephemeral ?? false, options.password);
  const memoryDevices = options.repoDir === undefined ? [] : [repositoryDevice(options.repoDir)];
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const errors = options.errors ?? process.stderr;
  const interactive = Boolean(input.isTTY);
  const boot: KernelBoot = {
    image, processRuntime: runtime, initArgs: options.initArgs, trace: options.trace, interactive, memoryMiB: options.memoryMiB ?? 128, disks, memoryDevices,
    consoleSize: { rows: output.rows ?? 24, cols: output.columns ?? 80 },
  };
  const worker = new Worker(kernel, { eval: true, workerData: boot, resourceLimits: { maxOldGenerationSizeMb: KERNEL_HEAP_MIB } });
  const onResize = (): void => send({ type: 'resize', rows: output.rows ?? 24, cols: output.columns ?? 80 });
  if (output.isTTY) output.on('resize', onResize);
  const send = (message: HostToKernel): void => worker.postMessage(message);
  const onData = (chunk: Buffer): void => send({ type: 'input', bytes: new Uint8Array(chunk) });
  const onEnd = (): void => send({ type: 'input-end' });
  if (interactive) input.setRawMode(true);
  input.on('data', onData);
  input.on('end', onEnd);
  // A previous boot (before a reboot) paused the stream; listening again does not restart it.
  input.resume();
  // Input that ended during an earlier boot does not end again: tell this one at once.
  if (input.readableEnded) onEnd();

  return new Promise<number | typeof REBOOT>((resolve) => {
    let finished = false;
    const finish = (status: number | typeof REBOOT): void => {
      if (finished) return;
      finished = true;
      input.off('data', onData);
      input.off('end', onEnd);
      output.off('resize', onResize);
      if (interactive) input.setRawMode(false);
      input.pause();
      // Resolved only once the kernel Worker has exited (its disk writes done): the caller may then
      // release the image's lock.
      const exited = worker.terminate().then(() => undefined, () => undefined);
      const flushed = new Promise<void>((done) => {
        if (output.writableEnded || output.destroyed) done();
        else output.write('', () => done());
      });
      void Promise.all([exited, flushed]).then(() => resolve(status));
    };
    // The terminal or pipe we print to went away: the console has no reader, so power off (as SIGPIPE would).
    output.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') errors.write(`redox: console output failed: ${error.message}\n`);
      finish(error.code === 'EPIPE' ? 141 : 74);
    });
    worker.on('message', (message: KernelToHost) => {
      switch (message.type) {
        case 'console':
          if (!finished) output.write(message.bytes);
          break;
        case 'log':
          errors.write(`kernel: ${message.line}\n`);
          break;
        case 'poweroff':
          finish(message.status);
          break;
        case 'reboot':
          finish(REBOOT);
          break;
        case 'panic':
          errors.write(`kernel panic: ${message.message}\n`);
          finish(70);
          break;
      }
    });
    worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        errors.write(`kernel panic: the kernel ran out of memory (its heap is limited to ${KERNEL_HEAP_MIB} MiB): a kernel leak, or more load than it can hold\n`);
      } else {
        errors.write(`kernel panic: ${error.stack ?? error.message}\n`);
      }
      finish(70);
    });
    worker.on('exit', () => finish(70));
  });
}
