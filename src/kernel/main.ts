/**
 * Kernel entry: builds the kernel on the machine the host provides, registers the kernel schemes
 * and starts init. The only function the host calls.
 */
import { parseInitfs } from '../syscall/initfs.ts';
import { Kernel } from './kernel.ts';
import { DebugScheme } from './schemes/debug.ts';
import { EventScheme } from './schemes/event.ts';
import { HwScheme } from './schemes/hw.ts';
import { InitfsScheme } from './schemes/initfs.ts';
import { PipeScheme } from './schemes/pipe.ts';
import { ProcScheme } from './schemes/proc.ts';
import { ShmScheme } from './schemes/shm.ts';
import { NullScheme, RandScheme, ZeroScheme } from './schemes/simple.ts';
import { SysScheme } from './schemes/sys.ts';
import { TimeScheme } from './schemes/time.ts';
import type { BootConfig, Machine } from './types.ts';

export async function startKernel(machine: Machine, config: BootConfig, initfsImage: Uint8Array): Promise<Kernel> {
  const kernel = new Kernel(machine, config);
  const schemes = [
    new NullScheme(), new ZeroScheme(), new RandScheme(), new ShmScheme(),
    new InitfsScheme(parseInitfs(initfsImage)),
    new PipeScheme(kernel), new EventScheme(kernel), new TimeScheme(kernel), new DebugScheme(kernel),
    new SysScheme(kernel), new ProcScheme(kernel), new HwScheme(machine.devices),
  ];
  for (const scheme of schemes) kernel.registerScheme(scheme);
  await kernel.boot();
  return kernel;
}

export type { Kernel } from './kernel.ts';
export type * from './types.ts';
