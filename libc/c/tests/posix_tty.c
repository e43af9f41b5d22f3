/*
 * posix_tty: terminal control on a pseudo-terminal of the program's own (posix_openpt, ptsname):
 * canonical input with erase, echo and output translation; raw mode (no echo, keys are bytes, no
 * translation); the window size and the foreground process group; and the errors a file that is
 * not a terminal gives. Output is the same on every run, so the test compares it line by line.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

/* Prints bytes with \r, \n, \b and other controls spelled out, so the line shows them. */
static void show(const char *what, const char *bytes, ssize_t n) {
  printf("%s: %zd \"", what, n);
  for (ssize_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)bytes[i];
    if (c == '\r') printf("\\r");
    else if (c == '\n') printf("\\n");
    else if (c == '\b') printf("\\b");
    else if (c < 32 || c == 127) printf("\\x%02x", c);
    else putchar(c);
  }
  printf("\"\n");
}

static int readable(int fd) {
  struct pollfd p = {.fd = fd, .events = POLLIN};
  return poll(&p, 1, 100);
}

int main(void) {
  char buf[256];
  /* Its own process group: the pty becomes this group's terminal below, and closing the master
   * at exit hangs it up, which sends SIGHUP to that group, not to the shell that ran us. */
  setpgid(0, 0);

  int m = posix_openpt(O_RDWR | O_NOCTTY);
  printf("posix_openpt: %d\n", m >= 0);
  printf("grantpt: %d unlockpt: %d\n", grantpt(m), unlockpt(m));
  const char *name = ptsname(m);
  printf("ptsname: %s\n", name && strncmp(name, "/scheme/pty/", 12) == 0 ? "/scheme/pty/N" : "?");
  int s = open(name, O_RDWR);
  printf("isatty(slave): %d isatty(master): %d\n", isatty(s), isatty(m));
  printf("ttyname is the slave: %d\n", strcmp(ttyname(s), name) == 0);

  struct termios saved, t;
  printf("tcgetattr: %d icanon %d echo %d isig %d opost %d\n", tcgetattr(s, &saved), (saved.c_lflag & ICANON) != 0,
         (saved.c_lflag & ECHO) != 0, (saved.c_lflag & ISIG) != 0, (saved.c_oflag & OPOST) != 0);
  printf("control characters: intr %d erase %d eof %d\n", saved.c_cc[VINTR], saved.c_cc[VERASE], saved.c_cc[VEOF]);

  write(m, "ab\x7f" "c\n", 5);
  show("canonical read", buf, read(s, buf, sizeof buf));
  show("echo", buf, read(m, buf, sizeof buf));
  write(s, "out\n", 4);
  show("output", buf, read(m, buf, sizeof buf));

  t = saved;
  cfmakeraw(&t);
  printf("tcsetattr raw: %d\n", tcsetattr(s, TCSAFLUSH, &t));
  struct termios now;
  tcgetattr(s, &now);
  printf("now: icanon %d echo %d isig %d opost %d\n", (now.c_lflag & ICANON) != 0, (now.c_lflag & ECHO) != 0,
         (now.c_lflag & ISIG) != 0, (now.c_oflag & OPOST) != 0);
  write(m, "q", 1);
  show("raw read", buf, read(s, buf, sizeof buf));
  printf("echo in raw mode: %d\n", readable(m));
  write(m, "\x03", 1);
  show("raw ^C", buf, read(s, buf, sizeof buf));
  write(s, "out\n", 4);
  show("raw output", buf, read(m, buf, sizeof buf));
  printf("tcsetattr back: %d\n", tcsetattr(s, TCSANOW, &saved));
  tcgetattr(s, &now);
  printf("back: icanon %d echo %d\n", (now.c_lflag & ICANON) != 0, (now.c_lflag & ECHO) != 0);

  struct winsize ws = {.ws_row = 30, .ws_col = 100}, got = {0};
  printf("TIOCSWINSZ: %d\n", ioctl(s, TIOCSWINSZ, &ws));
  printf("TIOCGWINSZ: %d %dx%d\n", ioctl(s, TIOCGWINSZ, &got), got.ws_col, got.ws_row);
  printf("tcsetpgrp: %d\n", tcsetpgrp(s, getpgrp()));
  printf("tcgetpgrp is ours: %d\n", tcgetpgrp(s) == getpgrp());
  pid_t group = 0;
  printf("TIOCGPGRP: %d ours %d\n", ioctl(s, TIOCGPGRP, &group), group == getpgrp());

  int nul = open("/scheme/null", O_RDWR);
  printf("ptsname(null): %s\n", ptsname(nul) ? "?" : strerror(errno));
  printf("ptsname(slave): %s\n", ptsname(s) ? "?" : strerror(errno));
  printf("grantpt(slave): %d %s\n", grantpt(s), strerror(errno));
  printf("ttyname(null): %s\n", ttyname(nul) ? "?" : strerror(errno));
  printf("tcgetpgrp(null): %d %s\n", tcgetpgrp(nul), strerror(errno));
  printf("TIOCSWINSZ(null): %d %s\n", ioctl(nul, TIOCSWINSZ, &ws), strerror(errno));
  printf("tcsetattr bad action: %d %s\n", tcsetattr(s, 99, &t), strerror(errno));
  printf("posix_openpt bad flags: %d %s\n", posix_openpt(O_APPEND), strerror(errno));
  printf("cfsetospeed: %d speed %d\n", cfsetospeed(&t, B9600), cfgetospeed(&t) == B9600);
  return 0;
}
