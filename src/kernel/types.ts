/**
 * Kernel-wide types: branded ids, the machine the host hands the kernel (the only way the kernel
 * reaches host resources), and the caller identity every scheme call carries.
 */

export type Pid = number & { readonly __brand: 'Pid' };
export type Fd = number & { readonly __brand: 'Fd' };
export type HandleId = number & { readonly __brand: 'HandleId' };

export const asPid = (n: number): Pid => n as Pid;
export const asFd = (n: number): Fd => n as Fd;
export const asHandle = (n: number): HandleId => n as HandleId;

/** Who is asking: passed to every scheme operation so schemes can check permissions. */
export interface Caller {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
}

export const KERNEL_CALLER: Caller = { pid: 0, uid: 0, gid: 0 };

/** Why a CPU (the Worker running a process) stopped. */
export type CpuExit = { kind: 'terminated' } | { kind: 'out-of-memory' } | { kind: 'crashed'; message: string } | { kind: 'returned' };

export interface CpuStart {
  pid: number;
  slot: SharedArrayBuffer;
  doorbell: SharedArrayBuffer;
  format: 'js' | 'wasm';
  program: Uint8Array;
  argv: string[];
  env: Record<string, string>;
}

/** A Worker running the process runtime, idle until started with a program. */
export interface Cpu {
  readonly memoryMiB: number;
  start(init: CpuStart): void;
  /** Hands a shared buffer to the process (shared memory, futex words); it collects it by id. */
  sendMap(id: number, buffer: SharedArrayBuffer): void;
  terminate(): void;
  onExit(callback: (why: CpuExit) => void): void;
}

export interface ConsoleDevice {
  write(bytes: Uint8Array): void;
  onInput(callback: (bytes: Uint8Array) => void): void;
  onEnd(callback: () => void): void;
  readonly interactive: boolean;
  /** The terminal's size (rows, cols), and a callback for when it changes. */
  size(): { rows: number; cols: number };
  onResize(callback: () => void): void;
}

/** A block device the host hands to the machine (a disk image file on Node). Byte-addressed. */
export interface HostBlockDevice {
  readonly name: string;
  readonly sizeBytes: number;
  readonly readOnly: boolean;
  /** The password the bootloader was given for this disk, handed once to its driver. */
  readonly password?: string;
  read(offset: number, length: number): Promise<Uint8Array>;
  write(offset: number, data: Uint8Array): Promise<number>;
  /** Resolves once every earlier write is durable. */
  flush(): Promise<void>;
}

/** What the host provides. Everything host-specific the kernel needs goes through here. */
export interface Machine {
  createCpu(memoryMiB: number): Cpu;
  readonly console: ConsoleDevice;
  readonly devices: readonly HostBlockDevice[];
  poweroff(status: number): void;
  /** Stops the machine and boots it again from the same image. */
  reboot(): void;
  hostLog(line: string): void;
}

export interface BootConfig {
  /** Arguments for init (for example ['-c', 'echo hello']). */
  initArgs: string[];
  trace: boolean;
  defaultMemoryMiB: number;
  warmCpus: number;
}
