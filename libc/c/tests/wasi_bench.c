/*
 * wasi_bench: the libc issue's two speed figures, run the same way inside redox-ts and under
 * node:wasi on the host (bench/run.ts drives both and prints them side by side).
 *   wasi_bench make FILE MIB     write FILE with MIB MiB of data
 *   wasi_bench read FILE         read FILE in 64 KiB chunks; print MiB/s
 *   wasi_bench writes N          N one-byte writes to standard output; print microseconds each
 * Results go to standard error as "name value", so standard output can be a null device.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static char chunk[65536];

static int make(const char *path, long mib) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) { perror(path); return 1; }
  memset(chunk, 'x', sizeof chunk);
  for (long i = 0; i < mib * 16; i++) {
    if (write(fd, chunk, sizeof chunk) != (ssize_t)sizeof chunk) { perror("write"); return 1; }
  }
  return close(fd) == 0 ? 0 : 1;
}

static int readall(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) { perror(path); return 1; }
  double start = now_ms();
  long long total = 0;
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0) { perror("read"); return 1; }
    if (n == 0) break;
    total += n;
  }
  double ms = now_ms() - start;
  fprintf(stderr, "read_mib_per_s %.2f\n", (total / 1048576.0) / (ms / 1e3));
  return close(fd) == 0 ? 0 : 1;
}

static int writes(long count) {
  double start = now_ms();
  for (long i = 0; i < count; i++) {
    if (write(1, "x", 1) != 1) { perror("write"); return 1; }
  }
  double ms = now_ms() - start;
  fprintf(stderr, "write_us_each %.3f\n", ms * 1e3 / count);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "make") == 0) return make(argv[2], atol(argv[3]));
  if (argc == 3 && strcmp(argv[1], "read") == 0) return readall(argv[2]);
  if (argc == 3 && strcmp(argv[1], "writes") == 0) return writes(atol(argv[2]));
  fprintf(stderr, "usage: wasi_bench make FILE MIB | read FILE | writes N\n");
  return 2;
}
