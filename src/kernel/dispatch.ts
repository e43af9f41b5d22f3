/**
 * The one syscall dispatcher: decodes a claimed slot through the syscall table, runs the handler,
 * and writes the reply. Every result becomes an errno here and only here: a SysError gives its
 * errno, an unknown number ENOSYS, and anything else is a kernel bug, logged and answered EIO.
 * Tracing of every call also lives here.
 *
 * A thread has at most one call in flight: the kernel's scan never claims a slot while
 * `thread.inFlight` is set (kernel.ts), and `finish` clears `inFlight` only if it still holds
 * that call's controller.
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
  const controller = new AbortController();
  if (!name) return finish(kernel, proc, controller, `syscall ${nr}`, 'int', new SysError(Errno.ENOSYS), undefined);
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
    return finish(kernel, proc, controller, name, ret, error, undefined);
  }
  if (outcome instanceof Promise) {
    outcome.then(
      (value) => finish(kernel, proc, controller, name, ret, undefined, value),
      (error: unknown) => finish(kernel, proc, controller, name, ret, error, undefined),
    );
  } else {
    finish(kernel, proc, controller, name, ret, undefined, outcome);
  }
}

function finish(
  kernel: Kernel, proc: Process, controller: AbortController, name: SyscallName | string, ret: RetKind, error: unknown, value: unknown,
): void {
  if (proc.thread.inFlight === controller) {
    proc.thread.inFlight = null;
    proc.thread.syscall = null;
  }
  if (!proc.alive) return;
  // A call that returns nothing (exit) is answered only when it fails (exit(NaN): EINVAL), so
  // the caller is never left waiting on a CLAIMED slot.
  if (ret === 'none' && error === undefined) return;
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
