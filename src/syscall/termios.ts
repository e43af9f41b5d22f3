/**
 * Terminal settings, shared by the pty daemon and libc: the termios record (flag words with the
 * values Linux uses, and the control characters) and the window size record. A terminal's
 * settings live beside it: `TTY/termios` (48 bytes), `TTY/winsize` (8 bytes), `TTY/pgrp` (the
 * foreground process group as decimal text), where TTY is `/scheme/pty/N`.
 *
 * termios layout: 0 u32 iflag, 4 u32 oflag, 8 u32 cflag, 12 u32 lflag, 16 cc[32].
 * winsize layout: 0 u16 rows, 2 u16 cols, 4 u16 x pixels, 6 u16 y pixels.
 */

export const ICRNL = 0o400;
export const IXON = 0o2000;
export const OPOST = 0o1;
export const ONLCR = 0o4;
export const CS8 = 0o60;
export const ISIG = 0o1;
export const ICANON = 0o2;
export const ECHO = 0o10;
export const ECHOE = 0o20;
export const ECHOK = 0o40;
export const IEXTEN = 0o100000;

export const VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6, VSUSP = 10, VWERASE = 14;
export const NCCS = 32;
export const TERMIOS_BYTES = 16 + NCCS;
export const WINSIZE_BYTES = 8;

export interface Termios {
  iflag: number;
  oflag: number;
  cflag: number;
  lflag: number;
  cc: Uint8Array;
}

export interface Winsize {
  rows: number;
  cols: number;
  xpixel: number;
  ypixel: number;
}

export function defaultTermios(): Termios {
  const cc = new Uint8Array(NCCS);
  cc[VINTR] = 0x03;
  cc[VQUIT] = 0x1c;
  cc[VERASE] = 0x7f;
  cc[VKILL] = 0x15;
  cc[VEOF] = 0x04;
  cc[VMIN] = 1;
  cc[VSUSP] = 0x1a;
  cc[VWERASE] = 0x17;
  return { iflag: ICRNL | IXON, oflag: OPOST | ONLCR, cflag: CS8, lflag: ISIG | ICANON | ECHO | ECHOE | ECHOK | IEXTEN, cc };
}

/** cfmakeraw: no line editing, no echo, no signals from keys, no output translation. */
export function makeRaw(t: Termios): Termios {
  const cc = t.cc.slice();
  cc[VMIN] = 1;
  cc[VTIME] = 0;
  return { iflag: t.iflag & ~(ICRNL | IXON), oflag: t.oflag & ~OPOST, cflag: t.cflag | CS8, lflag: t.lflag & ~(ECHO | ICANON | ISIG | IEXTEN), cc };
}

export function encodeTermios(t: Termios): Uint8Array {
  const out = new Uint8Array(TERMIOS_BYTES);
  const view = new DataView(out.buffer);
  [t.iflag, t.oflag, t.cflag, t.lflag].forEach((word, i) => view.setUint32(i * 4, word >>> 0, true));
  out.set(t.cc.subarray(0, NCCS), 16);
  return out;
}

export function decodeTermios(bytes: Uint8Array): Termios {
  if (bytes.length < TERMIOS_BYTES) throw new RangeError(`termios record of ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, TERMIOS_BYTES);
  return {
    iflag: view.getUint32(0, true), oflag: view.getUint32(4, true), cflag: view.getUint32(8, true), lflag: view.getUint32(12, true),
    cc: bytes.slice(16, 16 + NCCS),
  };
}

export function encodeWinsize(w: Winsize): Uint8Array {
  const out = new Uint8Array(WINSIZE_BYTES);
  const view = new DataView(out.buffer);
  [w.rows, w.cols, w.xpixel, w.ypixel].forEach((v, i) => view.setUint16(i * 2, v, true));
  return out;
}

export function decodeWinsize(bytes: Uint8Array): Winsize {
  if (bytes.length < WINSIZE_BYTES) throw new RangeError(`winsize record of ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, WINSIZE_BYTES);
  return { rows: view.getUint16(0, true), cols: view.getUint16(2, true), xpixel: view.getUint16(4, true), ypixel: view.getUint16(6, true) };
}
