/*
 * Terminals for wasm programs on redox-ts: isatty agrees with the OS (the raw console is
 * /scheme/debug, pseudo-terminals are /scheme/pty/N); tcgetattr/tcsetattr read and change a
 * pseudo-terminal's settings in ptyd; ioctl(TIOCGWINSZ/TIOCSWINSZ) its window size (setting it
 * sends SIGWINCH to the foreground group) and TIOCGPGRP/TIOCSPGRP with tcgetpgrp/tcsetpgrp its
 * foreground process group; posix_openpt, ptsname and ttyname open and name pseudo-terminals.
 * The speeds in a struct termios are kept in the struct only: a pseudo-terminal has no line speed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "redox/abi.h"

#undef ioctl
int ioctl(int, int, ...);

static int fail(int32_t err) {
  errno = err;
  return -1;
}

int tcgetattr(int fd, struct termios *t) {
  struct __redox_termios settings;
  int32_t err = __redox_tcgetattr(fd, &settings);
  if (err) return fail(err);
  memset(t, 0, sizeof *t);
  t->c_iflag = settings.iflag;
  t->c_oflag = settings.oflag;
  t->c_cflag = settings.cflag;
  t->c_lflag = settings.lflag;
  memcpy(t->c_cc, settings.cc, NCCS);
  t->__c_ispeed = t->__c_ospeed = B38400;
  return 0;
}

/* TCSADRAIN and TCSAFLUSH act as TCSANOW: output is handed to ptyd by write itself, and typed
 * input not yet read is kept (docs/libc.md). */
int tcsetattr(int fd, int action, const struct termios *t) {
  if (action < TCSANOW || action > TCSAFLUSH) return fail(EINVAL);
  struct __redox_termios settings = {t->c_iflag, t->c_oflag, t->c_cflag, t->c_lflag, {0}};
  memcpy(settings.cc, t->c_cc, NCCS);
  int32_t err = __redox_tcsetattr(fd, &settings);
  return err ? fail(err) : 0;
}

speed_t cfgetospeed(const struct termios *t) { return t->__c_ospeed; }
speed_t cfgetispeed(const struct termios *t) { return t->__c_ispeed; }

static int valid_speed(speed_t speed) {
  return speed <= B38400 || speed == B57600 || speed == B115200;
}

int cfsetospeed(struct termios *t, speed_t speed) {
  if (!valid_speed(speed)) return fail(EINVAL);
  t->__c_ospeed = speed;
  return 0;
}

int cfsetispeed(struct termios *t, speed_t speed) {
  if (!valid_speed(speed)) return fail(EINVAL);
  t->__c_ispeed = speed;
  return 0;
}

void cfmakeraw(struct termios *t) {
  t->c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
  t->c_oflag &= ~(tcflag_t)OPOST;
  t->c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
  t->c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
  t->c_cflag |= CS8;
  t->c_cc[VMIN] = 1;
  t->c_cc[VTIME] = 0;
}

pid_t tcgetpgrp(int fd) {
  int32_t pgid;
  int32_t err = __redox_tcgetpgrp(fd, &pgid);
  return err ? fail(err) : pgid;
}

int tcsetpgrp(int fd, pid_t pgid) {
  int32_t err = __redox_tcsetpgrp(fd, pgid);
  return err ? fail(err) : 0;
}

int __redox_ioctl(int fd, int request, ...) {
  va_list ap;
  va_start(ap, request);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  int32_t err;
  switch (request) {
  case TIOCGWINSZ:
    err = __redox_tcgetwinsize(fd, (struct __redox_winsize *)arg);
    break;
  case TIOCSWINSZ:
    err = __redox_tcsetwinsize(fd, (const struct __redox_winsize *)arg);
    break;
  case TIOCGPGRP:
    err = __redox_tcgetpgrp(fd, (int32_t *)arg);
    break;
  case TIOCSPGRP:
    err = __redox_tcsetpgrp(fd, *(const int32_t *)arg);
    break;
  default:
    return ioctl(fd, request, arg);
  }
  return err ? fail(err) : 0;
}

int posix_openpt(int flags) {
  if (flags & ~(O_RDWR | O_NOCTTY)) return fail(EINVAL);
  return open("/scheme/pty", O_RDWR);
}

int ptsname_r(int fd, char *buf, size_t len) {
  int32_t used;
  int32_t err = __redox_ptsname(fd, buf, (int32_t)(len > 0x7fffffff ? 0x7fffffff : len), &used);
  return err;
}

char *ptsname(int fd) {
  static char name[32];
  int err = ptsname_r(fd, name, sizeof name);
  if (err) {
    errno = err;
    return NULL;
  }
  return name;
}

/* ptyd makes a pair ready to use, owned by whoever opened the master: nothing to grant or unlock.
 * A descriptor that is not a master is EINVAL, as POSIX has it (ptsname says ENOTTY). */
int grantpt(int fd) {
  char name[32];
  int err = ptsname_r(fd, name, sizeof name);
  if (err == ENOTTY) err = EINVAL;
  return err ? fail(err) : 0;
}

int unlockpt(int fd) {
  return grantpt(fd);
}

int ttyname_r(int fd, char *buf, size_t len) {
  if (!isatty(fd)) return errno;
  int32_t used;
  return __redox_fpath(fd, buf, (int32_t)(len > 0x7fffffff ? 0x7fffffff : len), &used);
}

char *ttyname(int fd) {
  static char name[64];
  int err = ttyname_r(fd, name, sizeof name);
  if (err) {
    errno = err;
    return NULL;
  }
  return name;
}
