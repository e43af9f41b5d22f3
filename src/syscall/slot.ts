/**
 * The syscall slot: one SharedArrayBuffer per thread, shared between the thread and the kernel.
 *
 * Protocol: the thread fills the registers and data area, stores REQUEST in `state`, bumps the
 * kernel's doorbell and waits on `state`. The kernel claims the call (CLAIMED), and when done
 * writes the results and stores REPLY, then notifies. The thread reads the results and stores IDLE.
 * Only the kernel writes while CLAIMED; only the thread writes while IDLE.
 * `signals` is written by the kernel at any time (Atomics.or) and cleared by libc as it runs handlers.
 * Bit 0 is libc's: set when a handler ran as the call was made, it makes a blocking call return
 * EINTR rather than sleep; the kernel clears it when it claims the call.
 *
 * Byte layout (all little-endian, the host's order):
 *   0  i32 state        4  i32 syscall number   8  i32 errno (0 = success)   12 i32 pending signals
 *   16 i32 input bytes  20 i32 output bytes     24 i32 reserved x2
 *   32 f64 args[0..5]   80 f64 results[0..1]    96 reserved
 *   128 data area (DATA_CAPACITY bytes)
 */

export const SLOT_STATE = 0;
export const SLOT_NR = 1;
export const SLOT_ERRNO = 2;
export const SLOT_SIGNALS = 3;
export const SLOT_IN_LEN = 4;
export const SLOT_OUT_LEN = 5;

export const STATE_IDLE = 0;
export const STATE_REQUEST = 1;
export const STATE_CLAIMED = 2;
export const STATE_REPLY = 3;

export const ARGS_OFFSET = 32;
export const ARG_COUNT = 6;
export const RESULTS_OFFSET = 80;
export const DATA_OFFSET = 128;
/**
 * The most one read or write moves (a power of two, so the usual 64 KiB and 128 KiB buffers go
 * whole), to a daemon's scheme too: the data area holds it plus PACKET_HEADROOM, the most a
 * request's header and path take, so a daemon reads any request in one DATA_CAPACITY read.
 */
export const IO_MAX = 128 * 1024;
export const PACKET_HEADROOM = 8192;
export const DATA_CAPACITY = IO_MAX + PACKET_HEADROOM;
export const SLOT_BYTES = DATA_OFFSET + DATA_CAPACITY;

/** The kernel's doorbell: word 0 counts requests; threads notify it after posting a call. */
export const DOORBELL_BYTES = 8;

export class SlotView {
  readonly words: Int32Array;
  readonly floats: Float64Array;
  readonly data: Uint8Array;
  constructor(readonly buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer, 0, 32);
    this.floats = new Float64Array(buffer, 0, DATA_OFFSET / 8);
    this.data = new Uint8Array(buffer, DATA_OFFSET, DATA_CAPACITY);
  }
  arg(i: number): number {
    return this.floats[ARGS_OFFSET / 8 + i]!;
  }
  setArg(i: number, value: number): void {
    this.floats[ARGS_OFFSET / 8 + i] = value;
  }
  result(i: number): number {
    return this.floats[RESULTS_OFFSET / 8 + i]!;
  }
  setResult(i: number, value: number): void {
    this.floats[RESULTS_OFFSET / 8 + i] = value;
  }
}

export function createSlot(): SharedArrayBuffer {
  return new SharedArrayBuffer(SLOT_BYTES);
}
