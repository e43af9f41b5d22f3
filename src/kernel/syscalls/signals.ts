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

export const signalHandlers: Handlers<'sigaction' | 'sigprocmask' | 'sigpending'> = {
  sigaction(ctx, sig, disposition) {
    if (!Number.isInteger(sig) || sig <= 0 || sig >= NSIG) throw new SysError(Errno.EINVAL, `signal ${sig}`);
    if (!Number.isInteger(disposition) || disposition < 0 || disposition > SIG_HANDLE) throw new SysError(Errno.EINVAL, `disposition ${disposition}`);
    if (sig === SIGKILL || sig === SIGSTOP) throw new SysError(Errno.EINVAL, 'SIGKILL and SIGSTOP cannot be caught or ignored');
    const old = ctx.proc.sigActions[sig]!;
    ctx.proc.sigActions[sig] = disposition;
    if (disposition === SIG_IGN) ctx.proc.sigPending = (ctx.proc.sigPending & ~sigbit(sig)) >>> 0;
    return old;
  },

  sigprocmask(ctx, how, mask) {
    const old = ctx.proc.sigBlocked;
    const bits = (mask >>> 0) & ~UNBLOCKABLE;
    if (how === SIG_BLOCK) ctx.proc.sigBlocked = (old | bits) >>> 0;
    else if (how === SIG_UNBLOCK) ctx.proc.sigBlocked = (old & ~bits) >>> 0;
    else if (how === SIG_SETMASK) ctx.proc.sigBlocked = bits >>> 0;
    else throw new SysError(Errno.EINVAL, `sigprocmask how ${how}`);
    const deliverable = (ctx.proc.sigPending & ~ctx.proc.sigBlocked) >>> 0;
    ctx.proc.sigPending = (ctx.proc.sigPending & ~deliverable) >>> 0;
    for (let sig = 1; sig < NSIG && ctx.proc.alive; sig++) {
      if (deliverable & sigbit(sig)) ctx.kernel.act(ctx.proc, sig);
    }
    return old;
  },

  sigpending(ctx) {
    return ((ctx.proc.sigPending | Atomics.load(ctx.proc.thread.slot.words, SLOT_SIGNALS)) & ~1) >>> 0;
  },
};
