/*
 * wasi_misc: args, environ, clocks, random_get, poll_oneoff, sched_yield, proc_raise, the sock_*
 * calls (no sockets exist) and proc_exit with a status, with output on stdout and stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

extern char **environ;

/* proc_raise is in preview1 but no longer declared by wasi-libc's headers. */
#define WASI_SIGNAL_WINCH 27
int32_t proc_raise(int32_t sig) __attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")));

static long long ns(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/*
 * What node:wasi cannot run, so only our OS does (argument --os-only): poll_oneoff on files (a
 * regular file is always ready), a bad fd and a past absolute deadline; sock_recv and sock_send.
 */
static void os_only(void) {
  int fd = open("/tmp/wasi_misc.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  write(fd, "12345", 5);
  lseek(fd, 0, SEEK_SET);
  __wasi_subscription_t subs[3] = {0};
  subs[0].userdata = 11;
  subs[0].u.tag = __WASI_EVENTTYPE_FD_READ;
  subs[0].u.u.fd_read.file_descriptor = (uint32_t)fd;
  subs[1].userdata = 22;
  subs[1].u.tag = __WASI_EVENTTYPE_FD_WRITE;
  subs[1].u.u.fd_write.file_descriptor = (uint32_t)fd;
  subs[2].userdata = 33;
  subs[2].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[2].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[2].u.u.clock.timeout = 5000000000ULL;
  __wasi_event_t events[3];
  __wasi_size_t count = 0;
  int err = __wasi_poll_oneoff(subs, events, 3, &count);
  printf("poll fds: %d events %lu\n", err, (unsigned long)count);
  for (__wasi_size_t i = 0; i < count; i++)
    printf("  userdata %llu type %d error %d nbytes %llu\n", (unsigned long long)events[i].userdata, events[i].type,
           events[i].error, events[i].type == __WASI_EVENTTYPE_FD_READ ? (unsigned long long)events[i].fd_readwrite.nbytes : 0ULL);
  /* poll_oneoff: an absolute deadline already passed, and a bad fd */
  subs[0].u.u.fd_read.file_descriptor = 77;
  subs[2].u.u.clock.flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
  subs[2].u.u.clock.timeout = 1;
  err = __wasi_poll_oneoff(&subs[0], events, 1, &count);
  printf("poll bad fd: %d events %lu error %d\n", err, (unsigned long)count, events[0].error);
  err = __wasi_poll_oneoff(&subs[2], events, 1, &count);
  printf("poll past deadline: %d events %lu userdata %llu\n", err, (unsigned long)count, (unsigned long long)events[0].userdata);
  struct pollfd p = {.fd = fd, .events = POLLIN};
  printf("poll(): %d revents %d\n", poll(&p, 1, 100), p.revents & POLLIN);
  close(fd);
  unlink("/tmp/wasi_misc.txt");

  /* sock_recv, sock_send: node:wasi crashes (SIGSEGV) in sock_recv on a non-socket */
  char sockbuf[4];
  __wasi_iovec_t riov = {(uint8_t *)sockbuf, sizeof sockbuf};
  __wasi_ciovec_t siov = {(const uint8_t *)"x", 1};
  __wasi_size_t moved;
  __wasi_roflags_t roflags;
  printf("sock_recv on stdin: %d\n", __wasi_sock_recv(0, &riov, 1, 0, &moved, &roflags));
  printf("sock_send on stdout: %d\n", __wasi_sock_send(1, &siov, 1, 0, &moved));
}

int main(int argc, char **argv) {
  printf("argc %d\n", argc);
  for (int i = 1; i < argc; i++) printf("argv[%d] = '%s'\n", i, argv[i]);
  for (char **e = environ; *e; e++)
    if (strncmp(*e, "WASI_TEST_", 10) == 0) printf("env %s\n", *e);
  printf("getenv WASI_TEST_B: %s\n", getenv("WASI_TEST_B") ? getenv("WASI_TEST_B") : "(null)");

  /* clock_res_get, clock_time_get */
  struct timespec res;
  printf("clock_getres realtime: %d positive %d\n", clock_getres(CLOCK_REALTIME, &res), res.tv_sec > 0 || res.tv_nsec > 0);
  printf("clock_getres monotonic: %d\n", clock_getres(CLOCK_MONOTONIC, &res));
  __wasi_timestamp_t r;
  printf("clock_res process cputime: %d\n", __wasi_clock_res_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, &r));
  printf("clock_res thread cputime: %d\n", __wasi_clock_res_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, &r));
  printf("clock_time bad clock: %d\n", __wasi_clock_time_get(99, 1, &r));
  long long real = ns(CLOCK_REALTIME);
  printf("realtime after 2020: %d\n", real > 1577836800LL * 1000000000LL);
  long long a = ns(CLOCK_MONOTONIC);
  /* poll_oneoff: a clock alone (nanosleep) */
  struct timespec nap = {0, 30 * 1000 * 1000};
  printf("nanosleep: %d\n", nanosleep(&nap, NULL));
  long long b = ns(CLOCK_MONOTONIC);
  printf("monotonic advanced >= 30ms: %d\n", b - a >= 30 * 1000 * 1000LL);
  printf("process cputime: %d\n", __wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &r));

  /* node:wasi cannot poll regular files (EPERM), never returns from a past absolute deadline
     and crashes in sock_recv, so the differential test runs those only inside our OS. */
  if (argc >= 2 && strcmp(argv[1], "--os-only") == 0) os_only();
  printf("poll nothing: %d\n", __wasi_poll_oneoff(NULL, NULL, 0, &(__wasi_size_t){0}));

  /* random_get */
  unsigned char bytes[64] = {0};
  printf("random_get: %d\n", __wasi_random_get(bytes, sizeof bytes));
  int nonzero = 0;
  for (size_t i = 0; i < sizeof bytes; i++) nonzero += bytes[i] != 0;
  printf("random bytes look random: %d\n", nonzero > 32);
  printf("getentropy: %d\n", getentropy(bytes, 32));

  printf("sched_yield: %d\n", __wasi_sched_yield());
  printf("proc_raise SIGWINCH (ignored): %d\n", proc_raise(WASI_SIGNAL_WINCH));

  /* sock_*: stdout is not a socket */
  __wasi_fd_t got;
  printf("sock_accept: %d\n", __wasi_sock_accept(1, 0, &got) != 0);
  printf("sock_shutdown bad fd: %d\n", __wasi_sock_shutdown(99, __WASI_SDFLAGS_RD));

  /* stdin is empty (</dev/null-like): fd_read returns 0 */
  char c;
  printf("read stdin: %zd\n", read(0, &c, 1));
  fprintf(stderr, "to stderr: %d\n", 42);
  fflush(stdout);
  __wasi_proc_exit(7);
}
