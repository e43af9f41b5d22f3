/*
 * termios.h for redox-ts. The console (/scheme/debug) has one fixed line discipline (canonical,
 * echo, ^C/^\ as signals), so tcgetattr reports it and tcsetattr accepts only settings equal to
 * it (ENOTSUP otherwise) until a pty daemon lets programs change modes.
 */
#ifndef REDOX_TERMIOS_H
#define REDOX_TERMIOS_H

typedef unsigned char cc_t;
typedef unsigned int speed_t;
typedef unsigned int tcflag_t;

#define NCCS 32

struct termios {
  tcflag_t c_iflag, c_oflag, c_cflag, c_lflag;
  cc_t c_line;
  cc_t c_cc[NCCS];
  speed_t __c_ispeed, __c_ospeed;
};

#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6

#define ICRNL 0000400
#define OPOST 0000001
#define ONLCR 0000004
#define CS8 0000060
#define CREAD 0000200
#define ISIG 0000001
#define ICANON 0000002
#define ECHO 0000010
#define ECHOE 0000020
#define ECHOK 0000040

#define TCSANOW 0
#define TCSADRAIN 1
#define TCSAFLUSH 2

#define B38400 0000017

int tcgetattr(int, struct termios *);
int tcsetattr(int, int, const struct termios *);
speed_t cfgetospeed(const struct termios *);
speed_t cfgetispeed(const struct termios *);
void cfmakeraw(struct termios *);

#endif
