/* sys/ioctl.h for redox-ts: wasi-libc's, plus the terminal requests of libredox.a: the window
 * size (TIOCGWINSZ, TIOCSWINSZ) and the foreground process group (TIOCGPGRP, TIOCSPGRP). */
#include_next <sys/ioctl.h>

#ifndef REDOX_SYS_IOCTL_H
#define REDOX_SYS_IOCTL_H

#ifndef TIOCGWINSZ
#define TIOCGWINSZ 0x5413
#endif
#ifndef TIOCSWINSZ
#define TIOCSWINSZ 0x5414
#endif
#ifndef TIOCGPGRP
#define TIOCGPGRP 0x540F
#endif
#ifndef TIOCSPGRP
#define TIOCSPGRP 0x5410
#endif

#ifndef __DEFINED_struct_winsize
#define __DEFINED_struct_winsize
struct winsize { unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel; };
#endif

int __redox_ioctl(int, int, ...);
#define ioctl __redox_ioctl

#endif
