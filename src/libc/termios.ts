/**
 * Terminal control for TypeScript programs: tcgetattr/tcsetattr, the foreground process group
 * (tcgetpgrp/tcsetpgrp) and the window size (TIOCGWINSZ/TIOCSWINSZ). A terminal's settings live
 * beside it (src/syscall/termios.ts): this resolves an fd to its terminal and reads or writes them.
 */
import { Errno, SysError } from '../syscall/errno.ts';
import { O_RDONLY, O_WRONLY } from '../syscall/flags.ts';
import { decodeTermios, decodeWinsize, encodeTermios, encodeWinsize, type Termios, type Winsize } from '../syscall/termios.ts';
import { close, fpath, open, readAll, write } from './fs.ts';

/** The terminal an fd is open on (`/scheme/pty/N`), or ENOTTY. */
export function terminalOf(fd: number): string {
  const path = fpath(fd);
  const pty = /^(\/scheme\/pty\/\d+)(\/master)?$/.exec(path);
  if (pty) return pty[1]!;
  if (path === '/scheme/debug') return path;
  throw new SysError(Errno.ENOTTY, `fd ${fd} is not a terminal`);
}

function readSetting(fd: number, name: string): Uint8Array {
  const setting = open(`${terminalOf(fd)}/${name}`, O_RDONLY);
  try {
    return readAll(setting);
  } finally {
    close(setting);
  }
}

function writeSetting(fd: number, name: string, data: Uint8Array | string): void {
  const setting = open(`${terminalOf(fd)}/${name}`, O_WRONLY);
  try {
    write(setting, data);
  } finally {
    close(setting);
  }
}

function ptyOnly(fd: number, what: string): void {
  if (terminalOf(fd) === '/scheme/debug') throw new SysError(Errno.ENOTTY, `the raw console has no ${what}`);
}

export function tcgetattr(fd: number): Termios {
  ptyOnly(fd, 'termios');
  return decodeTermios(readSetting(fd, 'termios'));
}

export function tcsetattr(fd: number, termios: Termios): void {
  ptyOnly(fd, 'termios');
  writeSetting(fd, 'termios', encodeTermios(termios));
}

export function tcgetpgrp(fd: number): number {
  return Number(new TextDecoder().decode(readSetting(fd, 'pgrp')).trim());
}

export function tcsetpgrp(fd: number, pgid: number): void {
  writeSetting(fd, 'pgrp', String(pgid));
}

export function getWindowSize(fd: number): Winsize {
  ptyOnly(fd, 'window size');
  return decodeWinsize(readSetting(fd, 'winsize'));
}

export function setWindowSize(fd: number, size: Winsize): void {
  ptyOnly(fd, 'window size');
  writeSetting(fd, 'winsize', encodeWinsize(size));
}
