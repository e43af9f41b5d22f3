/**
 * Typed access to a wasm module's linear memory. The memory may grow at any call into the module,
 * which detaches the old ArrayBuffer, so views are refreshed whenever the buffer has changed.
 * Out-of-range accesses throw RangeError, which the import edge reports as EFAULT.
 */
import { WasiError, W } from './abi.ts';
import type { WasmMemoryObject } from './webassembly.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class WasmMemory {
  private buffer: ArrayBuffer | null = null;
  private u8 = new Uint8Array(0);
  private dv = new DataView(new ArrayBuffer(0));
  private memory: WasmMemoryObject | null = null;

  attach(memory: WasmMemoryObject): void {
    this.memory = memory;
  }

  private refresh(): void {
    const buffer = this.memory?.buffer as ArrayBuffer | undefined;
    if (!buffer) throw new WasiError(W.EFAULT, 'the module exports no memory');
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.u8 = new Uint8Array(buffer);
      this.dv = new DataView(buffer);
    }
  }

  get bytes(): Uint8Array {
    this.refresh();
    return this.u8;
  }

  get view(): DataView {
    this.refresh();
    return this.dv;
  }

  /** A live view of [ptr, ptr + len); valid until the module next runs. */
  slice(ptr: number, len: number): Uint8Array {
    const bytes = this.bytes;
    ptr >>>= 0;
    len >>>= 0;
    if (ptr + len > bytes.length) throw new RangeError(`memory range ${ptr}+${len} is out of bounds`);
    return bytes.subarray(ptr, ptr + len);
  }

  string(ptr: number, len: number): string {
    return decoder.decode(this.slice(ptr, len));
  }

  /** A path argument: UTF-8 without NUL (EINVAL otherwise, as the kernel would answer). */
  path(ptr: number, len: number): string {
    const raw = this.slice(ptr, len);
    if (raw.includes(0)) throw new WasiError(W.EINVAL, 'path contains NUL');
    return decoder.decode(raw);
  }

  write(ptr: number, data: Uint8Array): void {
    const bytes = this.bytes;
    ptr >>>= 0;
    if (ptr + data.length > bytes.length) throw new RangeError(`memory range ${ptr}+${data.length} is out of bounds`);
    bytes.set(data, ptr);
  }

  writeString(ptr: number, text: string): number {
    const data = encoder.encode(text);
    this.write(ptr, data);
    return data.length;
  }

  u8at(ptr: number): number { return this.view.getUint8(ptr >>> 0); }
  u16(ptr: number): number { return this.view.getUint16(ptr >>> 0, true); }
  u32(ptr: number): number { return this.view.getUint32(ptr >>> 0, true); }
  i32(ptr: number): number { return this.view.getInt32(ptr >>> 0, true); }
  u64(ptr: number): bigint { return this.view.getBigUint64(ptr >>> 0, true); }
  setU8(ptr: number, v: number): void { this.view.setUint8(ptr >>> 0, v); }
  setU16(ptr: number, v: number): void { this.view.setUint16(ptr >>> 0, v, true); }
  setU32(ptr: number, v: number): void { this.view.setUint32(ptr >>> 0, v >>> 0, true); }
  setI32(ptr: number, v: number): void { this.view.setInt32(ptr >>> 0, v, true); }
  setU64(ptr: number, v: bigint | number): void { this.view.setBigUint64(ptr >>> 0, BigInt.asUintN(64, BigInt(v)), true); }

  /** The (ptr, len) pairs of an iovec array. */
  iovecs(ptr: number, count: number): { ptr: number; len: number }[] {
    const out: { ptr: number; len: number }[] = [];
    for (let i = 0; i < count >>> 0; i++) out.push({ ptr: this.u32(ptr + i * 8), len: this.u32(ptr + i * 8 + 4) });
    return out;
  }
}

export const encodeUtf8 = (text: string): Uint8Array => encoder.encode(text);
