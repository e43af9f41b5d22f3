/**
 * The slice of the WebAssembly JS API the runtime uses, typed here because our TypeScript
 * libraries (ES2024, no DOM) do not declare it. The object is the realm's own `WebAssembly`.
 */
export interface WasmMemoryObject {
  readonly buffer: ArrayBuffer;
}

export type WasmExports = Record<string, unknown>;

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: WasmExports };
  Memory: abstract new (...args: never[]) => WasmMemoryObject;
  RuntimeError: abstract new (...args: never[]) => Error;
}

export const WasmJs = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
