/*
 * posix_signal: installs a SIGINT handler and shows it runs: when the program signals itself,
 * and when another process (a posix_spawn'ed child of this program) sends SIGINT while we sleep,
 * which interrupts the sleep. Also: SIG_IGN, sigprocmask blocking and sigpending.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;
static volatile sig_atomic_t caught;
static volatile sig_atomic_t last;

static void on_sigint(int sig) {
  caught++;
  last = sig;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "state") == 0) {
    sigset_t mask;
    struct sigaction term;
    sigprocmask(SIG_BLOCK, NULL, &mask);
    sigaction(SIGTERM, NULL, &term);
    printf("  child: SIGUSR1 blocked %d, SIGTERM ignored %d\n", sigismember(&mask, SIGUSR1), term.sa_handler == SIG_IGN);
    return 0;
  }
  if (argc >= 3 && strcmp(argv[1], "kill") == 0) {
    struct timespec nap = {0, 50 * 1000 * 1000};
    nanosleep(&nap, NULL);
    return kill((pid_t)atoi(argv[2]), SIGINT) == 0 ? 0 : 1;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  if (sigaction(SIGINT, &sa, NULL) != 0) {
    perror("sigaction");
    return 1;
  }
  raise(SIGINT);
  printf("after raise: caught %d (signal %d)\n", (int)caught, (int)last);

  char pid[16];
  snprintf(pid, sizeof pid, "%d", getpid());
  char *child_argv[] = {argv[0], "kill", pid, NULL};
  pid_t child;
  int err = posix_spawn(&child, argv[0], NULL, NULL, child_argv, environ);
  if (err) {
    fprintf(stderr, "posix_spawn: %s\n", strerror(err));
    return 1;
  }
  struct timespec nap = {10, 0};
  int slept = nanosleep(&nap, NULL);
  printf("sleep interrupted: %d (%s)\n", slept == -1, slept == -1 ? strerror(errno) : "not interrupted");
  printf("after kill from pid %d: caught %d\n", (int)child, (int)caught);
  int status;
  while (waitpid(child, &status, 0) == -1 && errno == EINTR) {
  }
  printf("killer exited %d\n", WEXITSTATUS(status));

  sigset_t block, pending;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigprocmask(SIG_BLOCK, &block, NULL);
  kill(getpid(), SIGINT);
  sigpending(&pending);
  printf("blocked: pending %d, caught %d\n", sigismember(&pending, SIGINT), (int)caught);
  sigprocmask(SIG_UNBLOCK, &block, NULL);
  getpid();
  printf("unblocked: caught %d\n", (int)caught);

  signal(SIGINT, SIG_IGN);
  raise(SIGINT);
  printf("ignored: caught %d\n", (int)caught);

  /* posix_spawn attributes: the child's mask and ignored signals, ours left as they were */
  signal(SIGTERM, SIG_IGN);
  char *state_argv[] = {argv[0], "state", NULL};
  printf("plain spawn:\n");
  fflush(stdout);
  posix_spawn(&child, argv[0], NULL, NULL, state_argv, environ);
  waitpid(child, &status, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t usr1, term;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  posix_spawnattr_setsigmask(&attr, &usr1);
  posix_spawnattr_setsigdefault(&attr, &term);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  printf("spawn with SETSIGMASK {USR1}, SETSIGDEF {TERM}:\n");
  fflush(stdout);
  posix_spawn(&child, argv[0], NULL, &attr, state_argv, environ);
  waitpid(child, &status, 0);
  posix_spawnattr_destroy(&attr);
  sigset_t mine;
  sigprocmask(SIG_BLOCK, NULL, &mine);
  kill(getpid(), SIGTERM);
  printf("parent afterwards: SIGUSR1 blocked %d, SIGTERM still ignored (alive)\n", sigismember(&mine, SIGUSR1));
  return caught == 3 ? 0 : 1;
}
