/*
 * posix_pipeline: builds `gen N | sum` from two posix_spawn'ed children of this same program
 * joined by a pipe(), with the file actions doing the dup2s and closes, and prints the sum the
 * second stage computed (through a second pipe back to us) and both exit statuses.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int gen(int n) {
  for (int i = 1; i <= n; i++) printf("%d\n", i);
  return 0;
}

static int sum(void) {
  long long total = 0;
  char line[64];
  while (fgets(line, sizeof line, stdin)) total += atoll(line);
  printf("sum %lld\n", total);
  return 0;
}

static pid_t stage(const char *self, char *const argv[], int in, int out, int close1, int close2) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (in >= 0) posix_spawn_file_actions_adddup2(&fa, in, 0);
  if (out >= 0) posix_spawn_file_actions_adddup2(&fa, out, 1);
  posix_spawn_file_actions_addclose(&fa, close1);
  posix_spawn_file_actions_addclose(&fa, close2);
  pid_t pid = -1;
  int err = posix_spawn(&pid, self, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (err) {
    fprintf(stderr, "posix_spawn: %s\n", strerror(err));
    exit(1);
  }
  return pid;
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[1], "gen") == 0) return gen(atoi(argv[2]));
  if (argc >= 2 && strcmp(argv[1], "sum") == 0) return sum();
  int n = argc >= 2 ? atoi(argv[1]) : 1000;
  int link[2], back[2];
  if (pipe(link) != 0 || pipe(back) != 0) {
    perror("pipe");
    return 1;
  }
  char count[16];
  snprintf(count, sizeof count, "%d", n);
  char *gen_argv[] = {argv[0], "gen", count, NULL};
  char *sum_argv[] = {argv[0], "sum", NULL};
  pid_t first = stage(argv[0], gen_argv, -1, link[1], link[0], back[0]);
  pid_t second = stage(argv[0], sum_argv, link[0], back[1], link[1], back[0]);
  close(link[0]);
  close(link[1]);
  close(back[1]);
  char result[128] = {0};
  size_t got = 0;
  ssize_t r;
  while ((r = read(back[0], result + got, sizeof result - 1 - got)) > 0) got += (size_t)r;
  close(back[0]);
  int s1, s2;
  waitpid(first, &s1, 0);
  waitpid(second, &s2, 0);
  printf("pipeline of %d: %s", n, result);
  printf("gen exited %d, sum exited %d\n", WEXITSTATUS(s1), WEXITSTATUS(s2));

  /* an addopen file action: the child's stdout is a file the parent never opened */
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/tmp/posix_pipeline.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  char *three[] = {argv[0], "gen", "3", NULL};
  pid_t pid;
  int err = posix_spawn(&pid, argv[0], &fa, NULL, three, environ);
  posix_spawn_file_actions_destroy(&fa);
  int s3 = -1;
  if (!err) waitpid(pid, &s3, 0);
  FILE *out = fopen("/tmp/posix_pipeline.out", "r");
  char text[64] = {0};
  size_t got_bytes = out ? fread(text, 1, sizeof text - 1, out) : 0;
  if (out) fclose(out);
  for (size_t i = 0; i < got_bytes; i++)
    if (text[i] == '\n') text[i] = ' ';
  printf("addopen: spawn %d, exit %d, file '%s'\n", err, WEXITSTATUS(s3), text);
  unlink("/tmp/posix_pipeline.out");
  printf("posix_spawnp echo: ");
  fflush(stdout);
  char *echo[] = {"echo", "found", "on", "PATH", NULL};
  err = posix_spawnp(&pid, "echo", NULL, NULL, echo, environ);
  if (!err) waitpid(pid, &s3, 0);
  printf("spawnp %d\n", err);
  printf("posix_spawn missing: %s\n", strerror(posix_spawn(&pid, "/bin/none", NULL, NULL, echo, environ)));
  return WIFEXITED(s1) && WIFEXITED(s2) && WEXITSTATUS(s1) == 0 && WEXITSTATUS(s2) == 0 ? 0 : 1;
}
