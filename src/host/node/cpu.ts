/**
 * A CPU on Node: a Worker running the process runtime (`runtime`, the code of /boot/procrt.js)
 * with a heap limit, a port for shared-memory maps, and the reason it stopped. Used by the kernel's
 * machine and by the Linux backend's server alike.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import type { Cpu, CpuExit, CpuStart } from '../../kernel/types.ts';

export function createCpu(runtime: string, memoryMiB: number): Cpu {
  const maps = new MessageChannel();
  const worker = new Worker(runtime, {
    eval: true,
    workerData: { mapPort: maps.port2 },
    transferList: [maps.port2],
    resourceLimits: { maxOldGenerationSizeMb: memoryMiB, maxYoungGenerationSizeMb: Math.max(4, Math.min(32, memoryMiB / 4)) },
    stdout: true,
    stderr: true,
  });
  let exited: ((why: CpuExit) => void) | null = null;
  let why: CpuExit = { kind: 'returned' };
  let terminated = false;
  worker.on('error', (error: Error & { code?: string }) => {
    why = error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? { kind: 'out-of-memory' } : { kind: 'crashed', message: error.stack ?? error.message };
  });
  worker.on('exit', () => {
    maps.port1.close();
    exited?.(terminated ? { kind: 'terminated' } : why);
  });
  return {
    memoryMiB,
    start(init: CpuStart) {
      worker.postMessage({ type: 'start', start: init });
    },
    sendMap(id: number, buffer: SharedArrayBuffer) {
      maps.port1.postMessage({ id, buffer });
    },
    terminate() {
      terminated = true;
      void worker.terminate();
    },
    onExit(callback) {
      exited = callback;
    },
  };
}
