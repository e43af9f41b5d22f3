/**
 * The server side of the slot ABI (slot.ts), shared by the kernel's dispatcher and the Linux
 * backend's: decode a claimed call's arguments by the kinds in the syscall table, and write its
 * reply (result registers or data area, or an errno), then wake the caller; claim posted calls,
 * and watch the doorbell. It touches only the shared buffers, so any syscall server answers
 * exactly as the kernel does.
 */
import { Errno, SysError } from './errno.ts';
import {
  DATA_CAPACITY, DOORBELL_BYTES, SLOT_ERRNO, SLOT_IN_LEN, SLOT_OUT_LEN, SLOT_STATE, STATE_CLAIMED, STATE_REPLY, STATE_REQUEST,
  type SlotView,
} from './slot.ts';
import type { ArgKind, RetKind } from './table.ts';

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

/** Claims a posted call: true if `slot` held a REQUEST, which is now CLAIMED for this server. */
export function claim(slot: SlotView): boolean {
  if (Atomics.load(slot.words, SLOT_STATE) !== STATE_REQUEST) return false;
  Atomics.store(slot.words, SLOT_STATE, STATE_CLAIMED);
  return true;
}

/**
 * The server's doorbell: every thread rings it after posting a call. `serve` runs `scan` each
 * time it rings (sleeping through Atomics.waitAsync in between, so the server's event loop keeps
 * running) until `running` says stop; `ring` wakes the loop to look again.
 */
export class Doorbell {
  readonly buffer = new SharedArrayBuffer(DOORBELL_BYTES);
  private readonly word = new Int32Array(this.buffer);

  async serve(scan: () => void, running: () => boolean): Promise<void> {
    while (running()) {
      const seen = Atomics.load(this.word, 0);
      scan();
      const waited = Atomics.waitAsync(this.word, 0, seen);
      if (waited.async) await waited.value;
    }
  }

  ring(): void {
    Atomics.add(this.word, 0, 1);
    Atomics.notify(this.word, 0);
  }
}
