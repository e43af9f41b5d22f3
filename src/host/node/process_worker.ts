/**
 * The CPU: code that runs in every process Worker (bundled to /boot/procrt.js on the boot image).
 * It prepares a confined context while idle in the warm pool, then on `start` evaluates the
 * program there. The program sees only the language built-ins, text codecs and `__redox` (its
 * pid, syscall slot, argv, env); no `process`, `require`, `import()` or host I/O. All it can do
 * is syscalls.
 *
 * Confinement rule: no object from this (the host) realm is ever reachable from the context,
 * since any such object leads to the host's Function constructor through `.constructor`. The
 * bridge below is compiled inside the context; it holds the host functions only in a closure,
 * copies or re-prototypes what they return, and rethrows host errors as context errors.
 */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import vm from 'node:vm';
import type { CpuStart } from '../../kernel/types.ts';

const mapPort = (workerData as { mapPort: MessagePort }).mapPort;
const arrivedMaps = new Map<number, SharedArrayBuffer>();

function receiveMap(id: number): SharedArrayBuffer {
  for (;;) {
    const ready = arrivedMaps.get(id);
    if (ready) {
      arrivedMaps.delete(id);
      return ready;
    }
    const message = receiveMessageOnPort(mapPort);
    if (!message) throw new Error(`map ${id} was not sent by the kernel`);
    const { id: got, buffer } = message.message as { id: number; buffer: SharedArrayBuffer };
    arrivedMaps.set(got, buffer);
  }
}

const encoder = new TextEncoder();
const decoders = new Map<number, InstanceType<typeof TextDecoder>>();
let nextDecoder = 1;

/** Host services for the bridge: primitives in, primitives or buffers (re-homed by the bridge) out. */
const host = {
  encode: (text: string): Uint8Array => encoder.encode(text),
  /** Encodes as much of `text` as fits in `capacity` bytes: [characters read, the bytes]. */
  encodeInto(text: string, capacity: number): [number, Uint8Array] {
    const out = new Uint8Array(capacity);
    const { read, written } = encoder.encodeInto(text, out);
    return [read, out.subarray(0, written)];
  },
  newDecoder(label: string, fatal: boolean, ignoreBOM: boolean): [number, string] {
    const decoder = new TextDecoder(label, { fatal, ignoreBOM });
    decoders.set(nextDecoder, decoder);
    return [nextDecoder++, decoder.encoding];
  },
  freeDecoder: (id: number): void => void decoders.delete(id),
  decode: (id: number, bytes: Uint8Array | undefined, stream: boolean): string => decoders.get(id)!.decode(bytes, { stream }),
  receiveMap,
  /** The host's high-resolution wall clock in milliseconds: the same clock the kernel's clocks read. */
  now: (): number => performance.timeOrigin + performance.now(),
};

const BRIDGE = `'use strict';
(function (host, pid, slot, doorbell, argvJson, envJson) {
  const guard = (f) => { try { return f(); } catch (e) { throw new Error(String(e && e.message || e)); } };
  const home = (sab) => Object.setPrototypeOf(sab, SharedArrayBuffer.prototype);
  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(text = '') { return new Uint8Array(guard(() => host.encode(String(text)))); }
    encodeInto(text, into) {
      const [read, bytes] = guard(() => host.encodeInto(String(text), into.length));
      into.set(bytes);
      return { read, written: bytes.length };
    }
  }
  const decoderIds = new WeakMap();
  const decoderLabels = new WeakMap();
  const freeDecoders = new FinalizationRegistry((id) => host.freeDecoder(id));
  class TextDecoder {
    constructor(label = 'utf-8', options = {}) {
      const [id, encoding] = guard(() => host.newDecoder(String(label), !!options.fatal, !!options.ignoreBOM));
      decoderIds.set(this, id);
      decoderLabels.set(this, encoding);
      freeDecoders.register(this, id);
    }
    get encoding() { return decoderLabels.get(this); }
    decode(bytes, options = {}) {
      const view = bytes === undefined ? undefined : ArrayBuffer.isView(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes);
      return guard(() => host.decode(decoderIds.get(this), view, !!options.stream));
    }
  }
  globalThis.TextEncoder = TextEncoder;
  globalThis.TextDecoder = TextDecoder;
  globalThis.__redox = Object.freeze({
    pid, slot: home(slot), doorbell: home(doorbell),
    argv: JSON.parse(argvJson), env: JSON.parse(envJson),
    receiveMap: (id) => home(guard(() => host.receiveMap(Number(id)))),
    now: () => +host.now(),
  });
})`;

const context = vm.createContext({}, { name: 'redox-process', codeGeneration: { strings: true, wasm: true } });
const installBridge = vm.runInContext(BRIDGE, context) as (...args: unknown[]) => void;

/**
 * Code compiled in a vm context finds its globals through the context's interceptors, which V8
 * cannot optimise: a hot loop that touches Math or Uint8Array runs many times slower (Argon2id
 * takes 15 s instead of 1). So programs and the wasm runtime run inside a function that first
 * binds every global the context has at that moment (the builtins and the bridge's) as a
 * local constant. What that changes for a program: its top-level `var`s are not properties of
 * globalThis, and a global it replaces later is seen under its new value only through
 * globalThis.NAME.
 */
const BINDABLE = /^[A-Za-z_$][\w$]*$/;
const NOT_BINDABLE = new Set(['eval', 'arguments', 'globalThis', 'undefined', 'NaN', 'Infinity']);

function withGlobalsBound(code: string, result: string | null): string {
  const names = (vm.runInContext('Object.getOwnPropertyNames(globalThis)', context) as string[]).filter((n) => BINDABLE.test(n) && !NOT_BINDABLE.has(n));
  const strict = /^\s*(['"])use strict\1/.test(code) ? "'use strict';" : '';
  return `(function () {${strict} const { ${names.join(', ')} } = globalThis;\n${code}\n${result === null ? '' : `return ${result};`}\n}).call(globalThis)`;
}

/** libc's WebAssembly runtime (src/libc/wasi/runtime.ts), embedded by scripts/build.ts. */
declare const __REDOX_WASMRT__: string;
/** The name the runtime bundle gives its exports (src/cookbook/templates/kernel.ts). */
const WASM_RUNTIME_GLOBAL = '__redoxWasmRuntime';

/**
 * A wasm program: the runtime is evaluated inside the context and gets the module's bytes copied
 * into a context-realm Uint8Array.
 */
function runWasm(start: CpuStart): void {
  const runtime = vm.runInContext(withGlobalsBound(__REDOX_WASMRT__, WASM_RUNTIME_GLOBAL), context, { filename: '/boot/wasmrt.js' }) as {
    start(bytes: Uint8Array): void;
  };
  const makeBytes = vm.runInContext('(n) => new Uint8Array(n)', context) as (n: number) => Uint8Array;
  const bytes = makeBytes(start.program.byteLength);
  bytes.set(start.program);
  runtime.start(bytes);
}

function run(start: CpuStart): void {
  if (start.format !== 'js' && start.format !== 'wasm') throw new Error(`program format ${start.format} has no runtime`);
  installBridge(host, start.pid, start.slot, start.doorbell, JSON.stringify(start.argv), JSON.stringify(start.env));
  if (start.format === 'wasm') return runWasm(start);
  const code = new TextDecoder().decode(start.program);
  vm.runInContext(withGlobalsBound(code, null), context, { filename: start.argv[0] ?? 'program' });
}

parentPort!.once('message', (message: { type: 'start'; start: CpuStart }) => {
  if (message.type === 'start') run(message.start);
});
