/**
 * Signal syscalls. The kernel tracks only dispositions, the blocked mask and pending bits; the
 * handlers themselves live in the process, which runs them when it next enters or leaves the
 * kernel (libc checks the slot's signal word around every call).
 */
import { Errno, SysError } from '../../syscall/errno.ts';
import { SIG_BLOCK, SIG_SETMASK, SIG_UNBLOCK } from '../../syscall/flags.ts';
import { NSIG, SIG_HANDLE, SIG_IGN, SIGKILL, SIGSTOP, sigbit } from '../../syscall/signal.ts';
import { SLOT_SIGNALS } from '../../syscall/slot.ts';
import type { Handlers } from './index.ts';

const UNBLOCKABLE = sigbit(SIGKILL) | sigbit(SIGSTOP);

/** A process's signal state as both syscall servers (the kernel, the Linux backend) keep it. */
export interface SignalState {
  readonly sigActions: Uint8Array;
  sigBlocked: number;
  sigPending: number;
}

/** sigaction: checks, sets the disposition, drops a now-ignored pending signal; returns the old one. */
export function setDisposition(state: SignalState, sig: number, disposition: number): number {
  if (!Number.isInteger(sig) || sig <= 0 || sig >= NSIG) throw new SysError(Errno.EINVAL, `signal ${sig}`);
  if (!Number.isInteger(disposition) || disposition < 0 || disposition > SIG_HANDLE) throw new SysError(Errno.EINVAL, `disposition ${disposition}`);
  if (sig === SIGKILL || sig === SIGSTOP) throw new SysError(Errno.EINVAL, 'SIGKILL and SIGSTOP cannot be caught or ignored');
  const old = state.sigActions[sig]!;
  state.sigActions[sig] = disposition;
  if (disposition === SIG_IGN) state.sigPending = (state.sigPending & ~sigbit(sig)) >>> 0;
  return old;
}

/** sigprocmask: changes the blocked mask and takes out of pending what it unblocked; returns [old mask, unblocked pending]. */
export function changeMask(state: SignalState, how: number, mask: number): [number, number] {
  const old = state.sigBlocked;
  const bits = (mask >>> 0) & ~UNBLOCKABLE;
  if (how === SIG_BLOCK) state.sigBlocked = (old | bits) >>> 0;
  else if (how === SIG_UNBLOCK) state.sigBlocked = (old & ~bits) >>> 0;
  else if (how === SIG_SETMASK) state.sigBlocked = bits >>> 0;
  else throw new SysError(Errno.EINVAL, `sigprocmask how ${how}`);
  const deliverable = (state.sigPending & ~state.sigBlocked) >>> 0;
  state.sigPending = (state.sigPending & ~deliverable) >>> 0;
  return [old, deliverable];
}

export const signalHandlers: Handlers<'sigaction' | 'sigprocmask' | 'sigpending'> = {
  sigaction: (ctx, sig, disposition) => setDisposition(ctx.proc, sig, disposition),

  sigprocmask(ctx, how, mask) {
    const [old, deliverable] = changeMask(ctx.proc, how, mask);
    for (let sig = 1; sig < NSIG && ctx.proc.alive; sig++) {
      if (deliverable & sigbit(sig)) ctx.kernel.act(ctx.proc, sig);
    }
    return old;
  },

  sigpending(ctx) {
    return ((ctx.proc.sigPending | Atomics.load(ctx.proc.thread.slot.words, SLOT_SIGNALS)) & ~1) >>> 0;
  },
};
