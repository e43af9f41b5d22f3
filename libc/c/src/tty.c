/*
 * Terminals for wasm programs on redox-ts: isatty agrees with the OS (the console is
 * /scheme/debug, later ptys are /scheme/pty/N), tcgetattr reports the console's fixed line
 * discipline, tcsetattr accepts only that discipline (ENOTSUP for anything else, since no
 * scheme can change modes yet), and ioctl(TIOCGWINSZ) answers the size from $LINES/$COLUMNS
 * (default 24x80) because the console does not report one.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "redox/abi.h"

#undef ioctl
int ioctl(int, int, ...);

static int tty(int fd) {
  int32_t err = __redox_isatty(fd);
  if (err) {
    errno = err;
    return 0;
  }
  return 1;
}

static void console(struct termios *t) {
  memset(t, 0, sizeof *t);
  t->c_iflag = ICRNL;
  t->c_oflag = OPOST | ONLCR;
  t->c_cflag = CS8 | CREAD | B38400;
  t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK;
  t->c_cc[VINTR] = 3;
  t->c_cc[VQUIT] = 28;
  t->c_cc[VERASE] = 127;
  t->c_cc[VKILL] = 21;
  t->c_cc[VEOF] = 4;
  t->c_cc[VMIN] = 1;
  t->__c_ispeed = t->__c_ospeed = B38400;
}

int tcgetattr(int fd, struct termios *t) {
  if (!tty(fd)) return -1;
  console(t);
  return 0;
}

int tcsetattr(int fd, int action, const struct termios *t) {
  if (!tty(fd)) return -1;
  if (action < TCSANOW || action > TCSAFLUSH) {
    errno = EINVAL;
    return -1;
  }
  struct termios now;
  console(&now);
  if (t->c_iflag != now.c_iflag || t->c_oflag != now.c_oflag || t->c_lflag != now.c_lflag ||
      (t->c_cflag & CS8) != (now.c_cflag & CS8)) {
    errno = ENOTSUP;
    return -1;
  }
  return 0;
}

speed_t cfgetospeed(const struct termios *t) { return t->__c_ospeed; }
speed_t cfgetispeed(const struct termios *t) { return t->__c_ispeed; }

void cfmakeraw(struct termios *t) {
  t->c_iflag &= ~(tcflag_t)ICRNL;
  t->c_oflag &= ~(tcflag_t)OPOST;
  t->c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ICANON | ISIG);
  t->c_cflag |= CS8;
  t->c_cc[VMIN] = 1;
  t->c_cc[VTIME] = 0;
}

static unsigned short env_size(const char *name, unsigned short fallback) {
  const char *value = getenv(name);
  long n = value ? strtol(value, NULL, 10) : 0;
  return n > 0 && n < 10000 ? (unsigned short)n : fallback;
}

int __redox_ioctl(int fd, int request, ...) {
  va_list ap;
  va_start(ap, request);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  if (request != TIOCGWINSZ) return ioctl(fd, request, arg);
  if (!tty(fd)) return -1;
  struct winsize *ws = arg;
  ws->ws_row = env_size("LINES", 24);
  ws->ws_col = env_size("COLUMNS", 80);
  ws->ws_xpixel = ws->ws_ypixel = 0;
  return 0;
}
