/**
 * The bootloader on Node: reads the boot image, takes the kernel and the process runtime from it,
 * starts the kernel in its own Worker and joins the host terminal to the kernel's console.
 * Resolves with the machine's exit status when the OS powers off.
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { initfsFile, parseInitfs } from '../../syscall/initfs.ts';
import type { HostToKernel, KernelBoot, KernelToHost } from './messages.ts';

export interface BootOptions {
  imagePath: string;
  initArgs: string[];
  trace: boolean;
  memoryMiB?: number;
  input?: NodeJS.ReadStream;
  output?: NodeJS.WriteStream;
  errors?: NodeJS.WriteStream;
}

export class BootError extends Error {}

function loadImage(path: string): { image: Uint8Array; kernel: string; runtime: string } {
  let image: Uint8Array;
  try {
    image = readFileSync(path);
  } catch (error) {
    throw new BootError(`cannot read boot image ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
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
  return { image, kernel: text.decode(kernel), runtime: text.decode(runtime) };
}

export function bootNode(options: BootOptions): Promise<number> {
  const { image, kernel, runtime } = loadImage(options.imagePath);
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const errors = options.errors ?? process.stderr;
  const interactive = Boolean(input.isTTY);
  const boot: KernelBoot = {
    image, processRuntime: runtime, initArgs: options.initArgs, trace: options.trace, interactive, memoryMiB: options.memoryMiB ?? 128,
  };
  const worker = new Worker(kernel, { eval: true, workerData: boot });
  const send = (message: HostToKernel): void => worker.postMessage(message);
  const onData = (chunk: Buffer): void => send({ type: 'input', bytes: new Uint8Array(chunk) });
  const onEnd = (): void => send({ type: 'input-end' });
  if (interactive) input.setRawMode(true);
  input.on('data', onData);
  input.on('end', onEnd);

  return new Promise<number>((resolve) => {
    let finished = false;
    const finish = (status: number): void => {
      if (finished) return;
      finished = true;
      input.off('data', onData);
      input.off('end', onEnd);
      if (interactive) input.setRawMode(false);
      input.pause();
      void worker.terminate();
      if (output.writableEnded || output.destroyed) resolve(status);
      else output.write('', () => resolve(status));
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
        case 'panic':
          errors.write(`kernel panic: ${message.message}\n`);
          finish(70);
          break;
      }
    });
    worker.on('error', (error) => {
      errors.write(`kernel panic: ${error.stack ?? error.message}\n`);
      finish(70);
    });
    worker.on('exit', () => finish(70));
  });
}
