/**
 * The one syscall dispatcher: decodes a claimed slot through the syscall table, runs the handler,
 * and writes the reply. Every result becomes an errno here and only here: a SysError gives its
 * errno, an unknown number ENOSYS, and anything else is a kernel bug, logged and answered EIO.
 * Tracing of every call also lives here.
 */
import { Errno, SysError, errnoName } from '../syscall/errno.ts';
import {
  DATA_CAPACITY, SLOT_ERRNO, SLOT_IN_LEN, SLOT_NR, SLOT_OUT_LEN, SLOT_SIGNALS, SLOT_STATE, STATE_REPLY, SlotView,
} from '../syscall/slot.ts';
import { SYSCALLS, syscallName, type ArgKind, type RetKind, type SyscallName } from '../syscall/table.ts';
import type { Kernel } from './kernel.ts';
import type { Process } from './process.ts';
import { HANDLERS, type SyscallContext } from './syscalls/index.ts';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

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

function decodeArgs(slot: SlotView, kinds: readonly ArgKind[]): unknown[] {
  const args: unknown[] = [];
  let at = 0;
  const inLength = slot.words[SLOT_IN_LEN]!;
  if (inLength < 0 || inLength > DATA_CAPACITY) throw new SysError(Errno.EFAULT, 'syscall data length out of range');
  kinds.forEach((kind, i) => {
    const register = slot.arg(i);
    if (kind === 'int') {
      if (!Number.isFinite(register)) throw new SysError(Errno.EINVAL, `argument ${i} is not a number`);
      args.push(register);
      return;
    }
    if (!Number.isInteger(register) || register < 0 || at + register > inLength) {
      throw new SysError(Errno.EFAULT, `argument ${i} runs past the syscall data`);
    }
    const bytes = slot.data.slice(at, at + register);
    at += register;
    if (kind === 'bytes') args.push(bytes);
    else if (kind === 'str') args.push(decoder.decode(bytes));
    else args.push(parseJson(bytes));
  });
  return args;
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch {
    throw new SysError(Errno.EINVAL, 'malformed structured argument');
  }
}

function finish(kernel: Kernel, proc: Process, name: SyscallName | string, ret: RetKind, error: unknown, value: unknown): void {
  proc.thread.inFlight = null;
  proc.thread.syscall = null;
  if (!proc.alive || ret === 'none') return;
  const slot = proc.thread.slot;
  let errno = 0;
  if (error !== undefined) {
    errno = errnoOf(kernel, proc, name, error);
  } else {
    try {
      writeResult(slot, ret, value);
    } catch (writeError) {
      errno = errnoOf(kernel, proc, name, writeError);
    }
  }
  if (kernel.config.trace) kernel.log.info(`pid ${proc.pid} ${name} = ${errno ? errnoName(errno) : describe(value)}`);
  slot.words[SLOT_ERRNO] = errno;
  Atomics.store(slot.words, SLOT_STATE, STATE_REPLY);
  Atomics.notify(slot.words, SLOT_STATE);
}

function errnoOf(kernel: Kernel, proc: Process, name: string, error: unknown): number {
  if (error instanceof SysError) return error.errno;
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  kernel.log.info(`kernel bug in ${name} for pid ${proc.pid}: ${detail}`);
  return Errno.EIO;
}

function writeResult(slot: SlotView, ret: RetKind, value: unknown): void {
  slot.words[SLOT_OUT_LEN] = 0;
  switch (ret) {
    case 'int':
      slot.setResult(0, value as number);
      return;
    case 'pair': {
      const [a, b] = value as readonly [number, number];
      slot.setResult(0, a);
      slot.setResult(1, b);
      return;
    }
    case 'bytes':
      return writeData(slot, value as Uint8Array);
    case 'str':
      return writeData(slot, encoder.encode(value as string));
    case 'json':
      return writeData(slot, encoder.encode(JSON.stringify(value ?? null)));
    case 'none':
      return;
  }
}

function writeData(slot: SlotView, bytes: Uint8Array): void {
  if (bytes.length > DATA_CAPACITY) throw new SysError(Errno.ERANGE, 'result larger than the syscall data area');
  slot.data.set(bytes);
  slot.words[SLOT_OUT_LEN] = bytes.length;
  slot.setResult(0, bytes.length);
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 60));
  return JSON.stringify(value)?.slice(0, 60) ?? 'undefined';
}
