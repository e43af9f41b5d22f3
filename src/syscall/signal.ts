/**
 * Signal numbers (Linux numbering, which Redox also uses), default actions, and the wait-status
 * encoding returned by waitpid (the classic `WIFEXITED`/`WTERMSIG` layout, so C code ports).
 */

export const SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7,
  SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14,
  SIGTERM = 15, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22,
  SIGURG = 23, SIGXCPU = 24, SIGWINCH = 28;

export const NSIG = 32;

export const SIGNAL_NAMES: Record<number, string> = {
  1: 'HUP', 2: 'INT', 3: 'QUIT', 4: 'ILL', 5: 'TRAP', 6: 'ABRT', 7: 'BUS', 8: 'FPE', 9: 'KILL',
  10: 'USR1', 11: 'SEGV', 12: 'USR2', 13: 'PIPE', 14: 'ALRM', 15: 'TERM', 17: 'CHLD', 18: 'CONT',
  19: 'STOP', 20: 'TSTP', 21: 'TTIN', 22: 'TTOU', 23: 'URG', 24: 'XCPU', 28: 'WINCH',
};

export function signalNumber(name: string): number | undefined {
  const bare = name.toUpperCase().replace(/^SIG/, '');
  if (/^\d+$/.test(bare)) {
    const n = Number(bare);
    return n > 0 && n < NSIG ? n : undefined;
  }
  for (const [num, n] of Object.entries(SIGNAL_NAMES)) if (n === bare) return Number(num);
  return undefined;
}

/** Dispositions the kernel tracks; the handler itself lives in the process (libc). */
export const SIG_DFL = 0;
export const SIG_IGN = 1;
export const SIG_HANDLE = 2;

export type DefaultAction = 'terminate' | 'ignore' | 'stop' | 'continue';

export function defaultAction(sig: number): DefaultAction {
  switch (sig) {
    case SIGCHLD: case SIGURG: case SIGWINCH: return 'ignore';
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU: return 'stop';
    case SIGCONT: return 'continue';
    default: return 'terminate';
  }
}

export function sigbit(sig: number): number {
  return 1 << sig >>> 0;
}

export const exitedStatus = (code: number): number => (code & 0xff) << 8;
export const signaledStatus = (sig: number): number => sig & 0x7f;
export const stoppedStatus = (sig: number): number => ((sig & 0xff) << 8) | 0x7f;

export const WIFEXITED = (status: number): boolean => (status & 0x7f) === 0;
export const WEXITSTATUS = (status: number): number => (status >> 8) & 0xff;
export const WIFSIGNALED = (status: number): boolean => (status & 0x7f) !== 0 && (status & 0x7f) !== 0x7f;
export const WTERMSIG = (status: number): number => status & 0x7f;
export const WIFSTOPPED = (status: number): boolean => (status & 0xff) === 0x7f;
export const WSTOPSIG = (status: number): number => (status >> 8) & 0xff;

/** The shell convention: 128 + signal for a killed process. */
export function shellStatus(status: number): number {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 128 + WSTOPSIG(status);
}
