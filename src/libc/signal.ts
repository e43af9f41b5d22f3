/**
 * Signals for TypeScript programs: install a handler (it runs when the process next enters or
 * leaves the kernel), ignore or restore the default, block and unblock.
 */
import { SIG_DFL, SIG_HANDLE, SIG_IGN } from '../syscall/signal.ts';
import { setSignalHandler } from './syscall.ts';
import { syscall } from './syscall.ts';

export type SignalHandler = (sig: number) => void;

export function signal(sig: number, handler: SignalHandler | 'ignore' | 'default'): void {
  if (typeof handler === 'function') {
    setSignalHandler(sig, handler);
    syscall('sigaction', sig, SIG_HANDLE);
  } else {
    syscall('sigaction', sig, handler === 'ignore' ? SIG_IGN : SIG_DFL);
    setSignalHandler(sig, null);
  }
}

export const sigprocmask = (how: number, mask: number): number => syscall('sigprocmask', how, mask);
export const sigpending = (): number => syscall('sigpending');
