import type { DiskSpec } from './block_device.ts';
import type { MemoryDeviceSpec } from './repo_device.ts';

/** Messages between the host thread and the kernel's Worker: the console device and power. */

export interface KernelBoot {
  image: Uint8Array;
  processRuntime: string;
  initArgs: string[];
  trace: boolean;
  interactive: boolean;
  memoryMiB: number;
  disks: DiskSpec[];
  /** Read-only devices held in memory (the package repository, `repo0`). */
  memoryDevices: MemoryDeviceSpec[];
  consoleSize: { rows: number; cols: number };
}

export type HostToKernel =
  | { type: 'input'; bytes: Uint8Array }
  | { type: 'input-end' }
  | { type: 'resize'; rows: number; cols: number };

export type KernelToHost =
  | { type: 'console'; bytes: Uint8Array }
  | { type: 'log'; line: string }
  | { type: 'poweroff'; status: number }
  | { type: 'reboot' }
  | { type: 'panic'; message: string };
