/*
 * posix_misc: ids, process groups, chdir/getcwd agreeing with the kernel (/scheme/proc/self/cwd
 * and a child's cwd), dup/dup2, isatty, tcgetattr/tcsetattr, ioctl(TIOCGWINSZ), waitpid errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

extern char **environ;

static void cat(const char *path) {
  int fd = open(path, O_RDONLY);
  char buf[256] = {0};
  ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
  if (fd >= 0) close(fd);
  printf("%s: %s", path, n >= 0 ? buf : "unreadable\n");
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "pwd") == 0) {
    char cwd[256];
    printf("child cwd %s\n", getcwd(cwd, sizeof cwd));
    return 0;
  }
  printf("pid > 1: %d, ppid > 0: %d\n", getpid() > 1, getppid() > 0);
  printf("uid %d gid %d euid %d egid %d\n", getuid(), getgid(), geteuid(), getegid());
  printf("setpgid: %d, leads its group: %d\n", setpgid(0, 0), getpgrp() == getpid());
  printf("setsid as group leader: %d %s\n", setsid(), strerror(errno));

  char cwd[256];
  printf("start cwd %s\n", getcwd(cwd, sizeof cwd));
  mkdir("/tmp/posix_misc", 0755);
  printf("chdir: %d\n", chdir("/tmp/posix_misc"));
  printf("getcwd %s\n", getcwd(cwd, sizeof cwd));
  cat("/scheme/proc/self/cwd");
  int fd = open("here.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  write(fd, "relative\n", 9);
  close(fd);
  cat("/tmp/posix_misc/here.txt");
  char *child_argv[] = {argv[0], "pwd", NULL};
  pid_t child;
  posix_spawn(&child, argv[0], NULL, NULL, child_argv, environ);
  int status;
  waitpid(child, &status, 0);
  printf("chdir missing: %d %s\n", chdir("/tmp/none"), strerror(errno));

  int d = dup(1);
  printf("dup: %d\n", d > 2);
  dprintf(d, "written through the dup\n");
  int r = open("/tmp/posix_misc/here.txt", O_RDONLY);
  printf("dup2 onto 9: %d\n", dup2(r, 9));
  char buf[16] = {0};
  read(9, buf, 8);
  printf("read via 9: %s\n", buf);
  close(r);
  close(9);
  close(d);
  printf("dup2 bad fd: %d %s\n", dup2(77, 5), strerror(errno));

  printf("isatty(1): %d\n", isatty(1));
  int nul = open("/scheme/null", O_WRONLY);
  printf("isatty(null): %d %s\n", isatty(nul), strerror(errno));
  struct termios t;
  printf("tcgetattr(null): %d %s\n", tcgetattr(nul, &t), strerror(errno));
  struct winsize ws;
  printf("TIOCGWINSZ(null): %d %s\n", ioctl(nul, TIOCGWINSZ, &ws), strerror(errno));
  int tty = open("/scheme/debug", O_RDWR);
  printf("isatty(console): %d\n", isatty(tty));
  printf("tcgetattr: %d icanon %d echo %d\n", tcgetattr(tty, &t), (t.c_lflag & ICANON) != 0, (t.c_lflag & ECHO) != 0);
  printf("tcsetattr same: %d\n", tcsetattr(tty, TCSANOW, &t));
  cfmakeraw(&t);
  printf("tcsetattr raw: %d %s\n", tcsetattr(tty, TCSANOW, &t), strerror(errno));
  printf("TIOCGWINSZ: %d %dx%d\n", ioctl(tty, TIOCGWINSZ, &ws), ws.ws_col, ws.ws_row);
  printf("waitpid no child: %d %s\n", waitpid(-1, &status, 0), strerror(errno));

  /* poll_oneoff over the event scheme: an empty pipe times out, a written one is readable */
  int p[2];
  pipe(p);
  struct pollfd pfd = {.fd = p[0], .events = POLLIN};
  printf("poll empty pipe: %d\n", poll(&pfd, 1, 50));
  write(p[1], "ab", 2);
  printf("poll full pipe: %d revents %d\n", poll(&pfd, 1, 1000), pfd.revents & POLLIN);
  struct pollfd wfd = {.fd = p[1], .events = POLLOUT};
  printf("poll pipe for writing: %d revents %d\n", poll(&wfd, 1, 1000), wfd.revents & POLLOUT);
  close(p[0]);
  close(p[1]);
  unlink("/tmp/posix_misc/here.txt");
  return 0;
}
