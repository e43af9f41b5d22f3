/**
 * The syscall transport, relibc's `syscall!`: marshals a call through the table in
 * src/syscall/table.ts into this thread's slot, rings the kernel's doorbell and blocks in
 * Atomics.wait (after a short spin) until the reply. Signal handlers run here, when the process
 * enters and leaves the kernel. Errors come back as SysError.
 */
import { Errno, SysError } from '../syscall/errno.ts';
import {
  DATA_CAPACITY, SLOT_ERRNO, SLOT_IN_LEN, SLOT_NR, SLOT_OUT_LEN, SLOT_SIGNALS, SLOT_STATE, STATE_IDLE, STATE_REPLY,
  STATE_REQUEST, SlotView,
} from '../syscall/slot.ts';
import { SYSCALLS, type SyscallArgs, type SyscallName, type SyscallResult } from '../syscall/table.ts';
import { bootInfo } from './boot.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const SPIN_ITERATIONS = 2000;

let slot: SlotView | null = null;
let bell: Int32Array | null = null;
const handlers = new Map<number, (sig: number) => void>();
let handling = false;
const descriptorGone: ((fd: number) => void)[] = [];

/** Runs `listener` with every descriptor this process closes or replaces with dup2 (file_map.ts forgets its mapping). */
export function onDescriptorGone(listener: (fd: number) => void): void {
  descriptorGone.push(listener);
}

function attach(): SlotView {
  if (!slot) {
    const info = bootInfo();
    slot = new SlotView(info.slot);
    bell = new Int32Array(info.doorbell);
  }
  return slot;
}

/** Installs the function run for `sig` (the kernel disposition is set by signal.ts). */
export function setSignalHandler(sig: number, handler: ((sig: number) => void) | null): void {
  if (handler) handlers.set(sig, handler);
  else handlers.delete(sig);
}

/** Runs the handlers of signals the kernel has marked pending, once each; true if any ran. */
export function runSignalHandlers(): boolean {
  const s = attach();
  if (handling || Atomics.load(s.words, SLOT_SIGNALS) === 0) return false;
  handling = true;
  let ran = false;
  try {
    const bits = Atomics.exchange(s.words, SLOT_SIGNALS, 0) >>> 0;
    for (let sig = 1; sig < 32; sig++) {
      const handler = bits & (1 << sig) ? handlers.get(sig) : undefined;
      if (handler) {
        handler(sig);
        ran = true;
      }
    }
  } finally {
    handling = false;
  }
  return ran;
}

function marshal(s: SlotView, kinds: readonly string[], args: readonly unknown[]): void {
  let at = 0;
  kinds.forEach((kind, i) => {
    const value = args[i];
    if (kind === 'int') {
      s.setArg(i, value as number);
      return;
    }
    const bytes = kind === 'bytes' ? (value as Uint8Array) : encoder.encode(kind === 'str' ? (value as string) : JSON.stringify(value));
    if (at + bytes.length > DATA_CAPACITY) throw new SysError(Errno.E2BIG, `syscall argument of ${bytes.length} bytes`);
    s.data.set(bytes, at);
    at += bytes.length;
    s.setArg(i, bytes.length);
  });
  s.words[SLOT_IN_LEN] = at;
}

function awaitReply(s: SlotView): void {
  for (let i = 0; i < SPIN_ITERATIONS; i++) {
    if (Atomics.load(s.words, SLOT_STATE) === STATE_REPLY) return;
  }
  for (;;) {
    const state = Atomics.load(s.words, SLOT_STATE);
    if (state === STATE_REPLY) return;
    Atomics.wait(s.words, SLOT_STATE, state);
  }
}

function unmarshal(s: SlotView, ret: string): unknown {
  switch (ret) {
    case 'int':
      return s.result(0);
    case 'pair':
      return [s.result(0), s.result(1)] as const;
    case 'bytes':
      return s.data.slice(0, s.words[SLOT_OUT_LEN]);
    case 'str':
      return decoder.decode(s.data.subarray(0, s.words[SLOT_OUT_LEN]));
    case 'json':
      return JSON.parse(decoder.decode(s.data.subarray(0, s.words[SLOT_OUT_LEN])));
    default:
      return undefined;
  }
}

export function syscall<N extends SyscallName>(name: N, ...args: SyscallArgs<N>): SyscallResult<N> {
  const s = attach();
  // A handler that ran on the way in counts as a signal during the call: if the call would
  // block, it returns EINTR instead (bit 0 of the signal word asks the kernel for that), so a
  // flag set by the handler is never slept through.
  if (runSignalHandlers()) Atomics.or(s.words, SLOT_SIGNALS, 1);
  const def = SYSCALLS[name];
  marshal(s, def.args, args);
  s.words[SLOT_NR] = def.nr;
  Atomics.store(s.words, SLOT_STATE, STATE_REQUEST);
  Atomics.add(bell!, 0, 1);
  Atomics.notify(bell!, 0, 1);
  awaitReply(s);
  const errno = s.words[SLOT_ERRNO]!;
  const result = errno === 0 ? unmarshal(s, def.ret) : undefined;
  Atomics.store(s.words, SLOT_STATE, STATE_IDLE);
  // Before any handler runs: one that opens a file may be given the same fd number, which must
  // not still carry the closed file's state (its page-cache mapping).
  if (errno === 0 && descriptorGone.length > 0 && (name === 'close' || name === 'dup2')) {
    const gone = (name === 'close' ? args[0] : args[1]) as number;
    for (const listener of descriptorGone) listener(gone);
  }
  runSignalHandlers();
  if (errno !== 0) throw new SysError(errno, name);
  return result as SyscallResult<N>;
}

/** Issues syscall number `nr` with no arguments and returns the errno (0 on success); for tests of the ABI itself. */
export function rawSyscallErrno(nr: number): number {
  const s = attach();
  s.words[SLOT_IN_LEN] = 0;
  s.words[SLOT_NR] = nr;
  Atomics.store(s.words, SLOT_STATE, STATE_REQUEST);
  Atomics.add(bell!, 0, 1);
  Atomics.notify(bell!, 0, 1);
  awaitReply(s);
  const errno = s.words[SLOT_ERRNO]!;
  Atomics.store(s.words, SLOT_STATE, STATE_IDLE);
  return errno;
}
