/**
 * What the process runtime hands a program: its pid, syscall slot, the kernel's doorbell, argv
 * and env, a way to collect shared buffers the kernel maps into it, and the host's clock. Set by the loader as the
 * global `__redox` before the program's first line runs.
 */

export interface BootInfo {
  pid: number;
  slot: SharedArrayBuffer;
  doorbell: SharedArrayBuffer;
  argv: string[];
  env: Record<string, string>;
  /** Blocks until the kernel has sent the shared buffer for map id `id`. */
  receiveMap(id: number): SharedArrayBuffer;
  /** The host's wall clock in milliseconds (sub-millisecond fractions), read without a syscall; absent on hosts that give none. */
  now?(): number;
}

export function bootInfo(): BootInfo {
  const info = (globalThis as { __redox?: BootInfo }).__redox;
  if (!info) throw new Error('not running inside redox-ts: no boot information');
  return info;
}
