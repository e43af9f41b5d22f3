/**
 * A pool of warm CPUs (Workers that have already loaded the process runtime), so spawn does not
 * wait for a Worker to boot. Only CPUs with the default memory limit are pooled; a process asking
 * for another limit gets a fresh Worker.
 */
import type { Cpu, Machine } from './types.ts';

export class CpuPool {
  private readonly warm: Cpu[] = [];

  constructor(
    private readonly machine: Machine,
    private readonly defaultMemoryMiB: number,
    private readonly size: number,
  ) {
    this.refill();
  }

  take(memoryMiB: number): Cpu {
    if (memoryMiB !== this.defaultMemoryMiB) return this.machine.createCpu(memoryMiB);
    const cpu = this.warm.shift() ?? this.machine.createCpu(memoryMiB);
    queueMicrotask(() => this.refill());
    return cpu;
  }

  private refill(): void {
    while (this.warm.length < this.size) this.warm.push(this.machine.createCpu(this.defaultMemoryMiB));
  }

  shutdown(): void {
    for (const cpu of this.warm.splice(0)) cpu.terminate();
  }
}
