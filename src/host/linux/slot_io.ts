/**
 * The server side of the slot ABI for the Linux backend: decode a claimed call's arguments through
 * the syscall table and write its reply, byte for byte as the kernel's dispatcher
 * (src/kernel/dispatch.ts: decodeArgs, finish, writeResult) does. Those functions are private to
 * the kernel's dispatcher and take a kernel Process, and this work may not edit kernel files, so
 * their slot-only logic is restated here, exported, against a bare SlotView. Keep the two in step
 * (same register use, same data-area layout, same ERANGE/EFAULT/EINVAL rules).
 */
import { Errno, SysError } from '../../syscall/errno.ts';
import {
  DATA_CAPACITY, SLOT_ERRNO, SLOT_IN_LEN, SLOT_OUT_LEN, SLOT_STATE, STATE_REPLY, type SlotView,
} from '../../syscall/slot.ts';
import type { ArgKind, RetKind } from '../../syscall/table.ts';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** The arguments of the call in `slot`, by the kinds the table gives. Throws SysError (EFAULT/EINVAL). */
export function decodeArgs(slot: SlotView, kinds: readonly ArgKind[]): unknown[] {
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
    else {
      try {
        args.push(JSON.parse(decoder.decode(bytes)));
      } catch {
        throw new SysError(Errno.EINVAL, 'malformed structured argument');
      }
    }
  });
  return args;
}

function writeData(slot: SlotView, bytes: Uint8Array): void {
  if (bytes.length > DATA_CAPACITY) throw new SysError(Errno.ERANGE, 'result larger than the syscall data area');
  slot.data.set(bytes);
  slot.words[SLOT_OUT_LEN] = bytes.length;
  slot.setResult(0, bytes.length);
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

/**
 * Completes a call: the result (or the errno of `error`) goes into the slot, then REPLY is stored
 * and the waiting thread notified. `onBug` hears about errors that are not SysErrors (answered EIO).
 * Returns the errno written.
 */
export function reply(slot: SlotView, ret: RetKind, error: unknown, value: unknown, onBug: (error: unknown) => void): number {
  let errno = 0;
  const errnoOf = (e: unknown): number => {
    if (e instanceof SysError) return e.errno;
    onBug(e);
    return Errno.EIO;
  };
  if (error !== undefined) errno = errnoOf(error);
  else {
    try {
      writeResult(slot, ret, value);
    } catch (writeError) {
      errno = errnoOf(writeError);
    }
  }
  slot.words[SLOT_ERRNO] = errno;
  Atomics.store(slot.words, SLOT_STATE, STATE_REPLY);
  Atomics.notify(slot.words, SLOT_STATE);
  return errno;
}
