/* unistd.h for redox-ts: wasi-libc's, plus the process and descriptor calls of libredox.a. */
#ifndef _WASI_EMULATED_GETPID
#define _WASI_EMULATED_GETPID
#endif
#include_next <unistd.h>

#ifndef REDOX_UNISTD_H
#define REDOX_UNISTD_H

int pipe(int[2]);
int dup(int);
int dup2(int, int);
pid_t getppid(void);
uid_t getuid(void);
uid_t geteuid(void);
gid_t getgid(void);
gid_t getegid(void);
pid_t getpgid(pid_t);
pid_t getpgrp(void);
int setpgid(pid_t, pid_t);
pid_t setsid(void);
unsigned sleep(unsigned);
pid_t tcgetpgrp(int);
int tcsetpgrp(int, pid_t);
char *ttyname(int);
int ttyname_r(int, char *, size_t);

/* chdir changes the kernel's cwd too, so children and /scheme/proc agree with getcwd. */
int __redox_chdir_both(const char *);
#define chdir(path) __redox_chdir_both(path)

#endif
