/*
 * Signals for wasm programs on redox-ts. The kernel keeps dispositions, the mask and pending
 * signals; handlers are C functions in this table. libc's syscall layer notices a handled signal
 * when the process next enters or leaves the kernel (any WASI or redox_posix call that makes a
 * syscall) and calls the exported __redox_signal_entry, which runs the handler on the program's
 * own stack. A program computing without syscalls runs no handler until it makes one.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "redox/abi.h"

static struct sigaction actions[32];

/* Signals ignored at start-up stay ignored (spawn keeps them): read them from the kernel so
   sigaction(sig, NULL, &old) reports SIG_IGN for them. */
__attribute__((constructor)) static void adopt_ignored_signals(void) {
  FILE *status = fopen("/scheme/proc/self/status", "r");
  char line[128];
  unsigned long mask = 0;
  while (status && fgets(line, sizeof line, status))
    if (sscanf(line, "SigIgnored: %lx", &mask) == 1) break;
  if (status) fclose(status);
  for (int sig = 1; sig < 32; sig++)
    if (mask & (1UL << sig)) actions[sig].sa_handler = SIG_IGN;
}

void __SIG_IGN(int sig) { (void)sig; }
void __SIG_ERR(int sig) { (void)sig; }

__attribute__((export_name("__redox_signal_entry"))) void __redox_signal_entry(int sig) {
  if (sig <= 0 || sig >= 32) return;
  struct sigaction *a = &actions[sig];
  void (*handler)(int) = a->sa_handler;
  if (handler == SIG_DFL || handler == SIG_IGN) return;
  if (a->sa_flags & SA_RESETHAND) sigaction(sig, &(struct sigaction){.sa_handler = SIG_DFL}, NULL);
  if (a->sa_flags & SA_SIGINFO) a->sa_sigaction(sig, NULL, NULL);
  else handler(sig);
}

int sigemptyset(sigset_t *set) { memset(set, 0, sizeof *set); return 0; }
int sigfillset(sigset_t *set) { memset(set, 0xff, sizeof *set); return 0; }

static int bit(int sig, unsigned long **word, unsigned long *mask, sigset_t *set) {
  if (sig <= 0 || sig >= 32) {
    errno = EINVAL;
    return -1;
  }
  *word = &((unsigned long *)set)[(sig - 1) / (8 * sizeof(long))];
  *mask = 1UL << ((sig - 1) % (8 * sizeof(long)));
  return 0;
}

int sigaddset(sigset_t *set, int sig) {
  unsigned long *w, m;
  if (bit(sig, &w, &m, set)) return -1;
  *w |= m;
  return 0;
}

int sigdelset(sigset_t *set, int sig) {
  unsigned long *w, m;
  if (bit(sig, &w, &m, set)) return -1;
  *w &= ~m;
  return 0;
}

int sigismember(const sigset_t *set, int sig) {
  unsigned long *w, m;
  if (bit(sig, &w, &m, (sigset_t *)set)) return -1;
  return (*w & m) != 0;
}

static uint32_t to_kernel(const sigset_t *set) {
  uint32_t mask = 0;
  for (int sig = 1; sig < 32; sig++)
    if (sigismember(set, sig) == 1) mask |= 1u << sig;
  return mask;
}

static void from_kernel(uint32_t mask, sigset_t *set) {
  sigemptyset(set);
  for (int sig = 1; sig < 32; sig++)
    if (mask & (1u << sig)) sigaddset(set, sig);
}

int sigprocmask(int how, const sigset_t *restrict set, sigset_t *restrict old) {
  uint32_t previous = 0;
  int32_t err;
  if (set) err = __redox_sigprocmask(how, to_kernel(set), &previous);
  else err = __redox_sigprocmask(SIG_BLOCK, 0, &previous);
  if (err) {
    errno = err;
    return -1;
  }
  if (old) from_kernel(previous, old);
  return 0;
}

int sigpending(sigset_t *set) {
  uint32_t mask;
  int32_t err = __redox_sigpending(&mask);
  if (err) {
    errno = err;
    return -1;
  }
  from_kernel(mask, set);
  return 0;
}

int sigaction(int sig, const struct sigaction *restrict act, struct sigaction *restrict old) {
  if (sig <= 0 || sig >= 32) {
    errno = EINVAL;
    return -1;
  }
  struct sigaction previous = actions[sig];
  if (act) {
    int32_t disposition = act->sa_handler == SIG_DFL ? REDOX_SIG_DFL : act->sa_handler == SIG_IGN ? REDOX_SIG_IGN : REDOX_SIG_HANDLE;
    int32_t was;
    actions[sig] = *act;
    int32_t err = __redox_sigaction(sig, disposition, &was);
    if (err) {
      actions[sig] = previous;
      errno = err;
      return -1;
    }
    if (was == REDOX_SIG_IGN && previous.sa_handler != SIG_IGN) previous.sa_handler = SIG_IGN;
  }
  if (old) *old = previous;
  return 0;
}

void (*signal(int sig, void (*handler)(int)))(int) {
  struct sigaction act = {.sa_handler = handler}, old;
  if (sigaction(sig, &act, &old) != 0) return SIG_ERR;
  return old.sa_handler;
}

int kill(pid_t pid, int sig) {
  int32_t err = __redox_kill(pid, sig);
  if (err) {
    errno = err;
    return -1;
  }
  return 0;
}

int killpg(pid_t pgrp, int sig) { return kill(-pgrp, sig); }

int raise(int sig) { return kill(getpid(), sig); }
