/**
 * The kernel's Worker on Node: builds the Machine (CPUs as Workers, the console as messages to
 * the host thread) and starts the kernel. The only host-specific code that runs inside the
 * kernel's Worker; the kernel itself (src/kernel) never touches node:*.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startKernel } from '../../kernel/main.ts';
import type { BootConfig, ConsoleDevice, Machine } from '../../kernel/types.ts';
import { openDisk } from './block_device.ts';
import { createCpu } from './cpu.ts';
import { memoryDevice } from './repo_device.ts';
import type { HostToKernel, KernelBoot, KernelToHost } from './messages.ts';

const boot = workerData as KernelBoot;
const port = parentPort!;
const send = (message: KernelToHost): void => port.postMessage(message);


const inputListeners: ((bytes: Uint8Array) => void)[] = [];
const endListeners: (() => void)[] = [];
const resizeListeners: (() => void)[] = [];
let consoleSize = boot.consoleSize;
/** Input that arrives before the console scheme listens (while disks open, say) waits here. */
const early: HostToKernel[] = [];
function deliver(message: HostToKernel): void {
  if (message.type === 'input') for (const listener of inputListeners) listener(message.bytes);
  else if (message.type === 'input-end') for (const listener of endListeners) listener();
}
port.on('message', (message: HostToKernel) => {
  if ((message.type === 'input' || message.type === 'input-end') && (inputListeners.length === 0 || endListeners.length === 0)) {
    early.push(message);
    return;
  }
  if (message.type === 'input' || message.type === 'input-end') deliver(message);
  else if (message.type === 'resize') {
    consoleSize = { rows: message.rows, cols: message.cols };
    for (const listener of resizeListeners) listener();
  }
});

function flushEarly(): void {
  if (inputListeners.length === 0 || endListeners.length === 0) return;
  for (const message of early.splice(0)) deliver(message);
}

const consoleDevice: ConsoleDevice = {
  interactive: boot.interactive,
  write: (bytes) => send({ type: 'console', bytes }),
  onInput: (callback) => {
    inputListeners.push(callback);
    flushEarly();
  },
  onEnd: (callback) => {
    endListeners.push(callback);
    flushEarly();
  },
  size: () => consoleSize,
  onResize: (callback) => void resizeListeners.push(callback),
};

async function main(): Promise<void> {
  const devices = [...(await Promise.all(boot.disks.map(openDisk))), ...boot.memoryDevices.map(memoryDevice)];
  const machine: Machine = {
    createCpu: (memoryMiB) => createCpu(boot.processRuntime, memoryMiB),
    console: consoleDevice,
    devices,
    poweroff: (status) => send({ type: 'poweroff', status }),
    reboot: () => send({ type: 'reboot' }),
    hostLog: (line) => send({ type: 'log', line }),
  };
  const config: BootConfig = { initArgs: boot.initArgs, trace: boot.trace, defaultMemoryMiB: boot.memoryMiB, warmCpus: 2 };
  await startKernel(machine, config, boot.image);
}

main().catch((error: unknown) => {
  send({ type: 'panic', message: error instanceof Error ? error.message : String(error) });
});
