/**
 * The CPU: code that runs in every process Worker (bundled to /boot/procrt.js on the boot image).
 * It prepares a confined context while idle in the warm pool, then on `start` evaluates the
 * program there: the program sees only the language built-ins, text codecs and `__redox` (its
 * pid, syscall slot and argv); no `process`, `require` or host I/O. All it can do is syscalls.
 */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import vm from 'node:vm';
import type { CpuStart } from '../../kernel/types.ts';

const mapPort = (workerData as { mapPort: MessagePort }).mapPort;
const arrivedMaps = new Map<number, SharedArrayBuffer>();

function receiveMap(id: number): SharedArrayBuffer {
  for (;;) {
    const ready = arrivedMaps.get(id);
    if (ready) return ready;
    const message = receiveMessageOnPort(mapPort);
    if (!message) throw new Error(`map ${id} was not sent by the kernel`);
    const { id: got, buffer } = message.message as { id: number; buffer: SharedArrayBuffer };
    arrivedMaps.set(got, buffer);
  }
}

const context = vm.createContext(
  { TextEncoder, TextDecoder, URL, URLSearchParams, atob, btoa, structuredClone, queueMicrotask },
  { name: 'redox-process', codeGeneration: { strings: true, wasm: true } },
);

function run(start: CpuStart): void {
  if (start.format !== 'js') throw new Error(`program format ${start.format} has no runtime yet`);
  const code = new TextDecoder().decode(start.program);
  const info = { pid: start.pid, slot: start.slot, doorbell: start.doorbell, argv: start.argv, env: start.env, receiveMap };
  vm.runInContext(`globalThis.__redox = __boot; delete globalThis.__boot;`, Object.assign(context, { __boot: info }));
  vm.runInContext(code, context, { filename: start.argv[0] ?? 'program' });
}

parentPort!.once('message', (message: { type: 'start'; start: CpuStart }) => {
  if (message.type === 'start') run(message.start);
});
