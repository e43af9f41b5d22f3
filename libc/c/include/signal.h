/*
 * signal.h for redox-ts: wasi-libc's signal numbers, plus what its header leaves out for lack of
 * signals (sigset_t wide enough for 31 signals, struct sigaction, the masks) and the real calls
 * of libredox.a. wasi-libc's own sigset_t (one byte, for pselect/ppoll) is renamed away.
 */
#ifndef _WASI_EMULATED_SIGNAL
#define _WASI_EMULATED_SIGNAL
#endif
#include <__typedef_sigset_t.h>
#include_next <signal.h>

#ifndef REDOX_SIGNAL_H
#define REDOX_SIGNAL_H

#include <sys/types.h>

typedef struct { unsigned long __bits[128 / sizeof(long)]; } __redox_sigset_t;
#define sigset_t __redox_sigset_t

typedef struct {
  int si_signo, si_errno, si_code;
  pid_t si_pid;
  uid_t si_uid;
  int si_status;
} siginfo_t;

struct sigaction {
  union {
    void (*sa_handler)(int);
    void (*sa_sigaction)(int, siginfo_t *, void *);
  } __sa_handler;
  sigset_t sa_mask;
  int sa_flags;
};
#define sa_handler __sa_handler.sa_handler
#define sa_sigaction __sa_handler.sa_sigaction

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

#define SA_NOCLDSTOP 1
#define SA_SIGINFO 4
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000

int kill(pid_t, int);
int killpg(pid_t, int);
int sigemptyset(sigset_t *);
int sigfillset(sigset_t *);
int sigaddset(sigset_t *, int);
int sigdelset(sigset_t *, int);
int sigismember(const sigset_t *, int);
int sigprocmask(int, const sigset_t *__restrict, sigset_t *__restrict);
int sigaction(int, const struct sigaction *__restrict, struct sigaction *__restrict);
int sigpending(sigset_t *);

#endif
