/*
 * posix_signal: installs a SIGINT handler and shows it runs: when the program signals itself,
 * and when another process (a posix_spawn'ed child of this program) sends SIGINT while we sleep,
 * which interrupts the sleep. Also: SIG_IGN, sigprocmask blocking and sigpending, and a handler
 * that grows linear memory running on the way into a read and a write (the runtime must not keep
 * a view of memory across it).
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

static volatile sig_atomic_t grew;
/* Kept, so the compiler cannot leave the allocation out. */
static char *volatile grown_block;

/* Allocates and touches 16 MiB, so linear memory grows and every earlier view of it detaches. */
static void on_sigusr1_grow(int sig) {
  (void)sig;
  grown_block = malloc(16 << 20);
  if (grown_block) memset(grown_block, 1, 16 << 20);
  grew++;
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Spawns a child that sends SIGUSR1 after 50 ms, then computes for a second without a syscall
 * (the clock needs none), so the handler runs on the way into the next call's syscall. */
static pid_t usr1_soon(const char *self) {
  char pid[16];
  snprintf(pid, sizeof pid, "%d", getpid());
  char *argv[] = {(char *)self, "usr1", pid, NULL};
  pid_t child;
  posix_spawn(&child, self, NULL, NULL, argv, environ);
  for (double until = now_ms() + 1000; now_ms() < until;) {
  }
  return child;
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
  if (argc >= 3 && strcmp(argv[1], "usr1") == 0) {
    struct timespec nap = {0, 50 * 1000 * 1000};
    nanosleep(&nap, NULL);
    return kill((pid_t)atoi(argv[2]), SIGUSR1) == 0 ? 0 : 1;
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

  signal(SIGUSR1, on_sigusr1_grow);
  int p[2];
  pipe(p);
  write(p[1], "ping", 4);
  char got[8] = {0};
  child = usr1_soon(argv[0]);
  ssize_t n = read(p[0], got, sizeof got - 1);
  waitpid(child, &status, 0);
  printf("read across a growing handler: %zd %s\n", n, got);
  child = usr1_soon(argv[0]);
  n = write(p[1], "pong", 4);
  waitpid(child, &status, 0);
  memset(got, 0, sizeof got);
  read(p[0], got, 4);
  printf("write across a growing handler: %zd %s, handler ran %d times\n", n, got, (int)grew);
  return caught == 3 ? 0 : 1;
}
