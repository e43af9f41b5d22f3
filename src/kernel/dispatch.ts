/**
 * The one syscall dispatcher: decodes a claimed slot through the syscall table, runs the handler,
 * and writes the reply. Every result becomes an errno here and only here: a SysError gives its
 * errno, an unknown number ENOSYS, and anything else is a kernel bug, logged and answered EIO.
 * Tracing of every call also lives here.
 */
import { Errno, SysError, errnoName } from '../syscall/errno.ts';
import { SLOT_NR, SLOT_SIGNALS } from '../syscall/slot.ts';
import { decodeArgs, reply } from '../syscall/slot_server.ts';
import { SYSCALLS, syscallName, type RetKind, type SyscallName } from '../syscall/table.ts';
import type { Kernel } from './kernel.ts';
import type { Process } from './process.ts';
import { HANDLERS, type SyscallContext } from './syscalls/index.ts';

export function dispatch(kernel: Kernel, proc: Process): void {
  const slot = proc.thread.slot;
  const nr = slot.words[SLOT_NR]!;
  const name = syscallName(nr);
  proc.syscallCount++;
  if (!name) return finish(kernel, proc, `syscall ${nr}`, 'int', new SysError(Errno.ENOSYS), undefined);
  const controller = new AbortController();
  // A signal that landed between libc's check and this claim must still interrupt a blocking call.
  // (Bit 0 is libc saying a handler ran on the way in; it only ever asks for this abort.)
  if (Atomics.and(slot.words, SLOT_SIGNALS, ~1) !== 0) controller.abort();
  proc.thread.inFlight = controller;
  proc.thread.syscall = name;
  const ctx: SyscallContext = { kernel, proc, signal: controller.signal };
  const ret = SYSCALLS[name].ret;
  let outcome: unknown;
  try {
    const args = decodeArgs(slot, SYSCALLS[name].args);
    const handler = HANDLERS[name] as (ctx: SyscallContext, ...args: unknown[]) => unknown;
    outcome = handler(ctx, ...args);
  } catch (error) {
    return finish(kernel, proc, name, ret, error, undefined);
  }
  if (outcome instanceof Promise) {
    outcome.then(
      (value) => finish(kernel, proc, name, ret, undefined, value),
      (error: unknown) => finish(kernel, proc, name, ret, error, undefined),
    );
  } else {
    finish(kernel, proc, name, ret, undefined, outcome);
  }
}

function finish(kernel: Kernel, proc: Process, name: SyscallName | string, ret: RetKind, error: unknown, value: unknown): void {
  proc.thread.inFlight = null;
  proc.thread.syscall = null;
  if (!proc.alive || ret === 'none') return;
  const errno = reply(proc.thread.slot, ret, error, value, (bug) => {
    const detail = bug instanceof Error ? (bug.stack ?? bug.message) : String(bug);
    kernel.log.info(`kernel bug in ${name} for pid ${proc.pid}: ${detail}`);
  });
  if (kernel.config.trace) kernel.log.info(`pid ${proc.pid} ${name} = ${errno ? errnoName(errno) : describe(value)}`);
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 60));
  return JSON.stringify(value)?.slice(0, 60) ?? 'undefined';
}
