/**
 * The handler table: one handler per syscall in src/syscall/table.ts, typed from it, gathered
 * from one file per family. A missing or extra handler is a compile error.
 */
import type { SyscallArgs, SyscallName, SyscallResult } from '../../syscall/table.ts';
import type { Kernel } from '../kernel.ts';
import type { Process } from '../process.ts';
import type { MaybePromise } from '../scheme.ts';
import { fileHandlers } from './files.ts';
import { pathHandlers } from './paths.ts';
import { processHandlers } from './processes.ts';
import { signalHandlers } from './signals.ts';
import { timeHandlers } from './time.ts';

export interface SyscallContext {
  readonly kernel: Kernel;
  readonly proc: Process;
  /** Aborted when the call is interrupted by a signal or the process dies. */
  readonly signal: AbortSignal;
}

export type Handler<N extends SyscallName> = (ctx: SyscallContext, ...args: SyscallArgs<N>) => MaybePromise<SyscallResult<N>>;
export type HandlerTable = { [N in SyscallName]: Handler<N> };
export type Handlers<K extends SyscallName> = { [N in K]: Handler<N> };

export const HANDLERS: HandlerTable = {
  ...fileHandlers,
  ...pathHandlers,
  ...processHandlers,
  ...signalHandlers,
  ...timeHandlers,
};
