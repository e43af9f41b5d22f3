/* stdlib.h for redox-ts: wasi-libc's, plus the pseudo-terminal calls of libredox.a (WASI has
 * none; ours open /scheme/pty, served by ptyd). */
#include_next <stdlib.h>

#ifndef REDOX_STDLIB_H
#define REDOX_STDLIB_H

int posix_openpt(int);
int grantpt(int);
int unlockpt(int);
char *ptsname(int);
int ptsname_r(int, char *, size_t);

#endif
