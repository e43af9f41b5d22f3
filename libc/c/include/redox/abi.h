/*
 * redox/abi.h: the `redox_posix` wasm import module (src/libc/posix_wasm/imports.ts), the POSIX
 * calls WASI preview1 lacks. Each returns 0 or a WASI errno (the values of wasi-libc's errno)
 * unless noted. Programs use the POSIX functions in libredox.a, not these.
 */
#ifndef REDOX_ABI_H
#define REDOX_ABI_H

#include <stdint.h>

#define REDOX_IMPORT(name) __attribute__((import_module("redox_posix"), import_name(#name)))

/* spawn flags and file actions (records of 7 int32: op, fd, newfd, flags, mode, path, path_len) */
#define REDOX_SPAWN_SETPGROUP 1
#define REDOX_SPAWN_SETSIGMASK 2
#define REDOX_SPAWN_SETSIGDEF 4
#define REDOX_ACTION_CLOSE 1
#define REDOX_ACTION_DUP2 2
#define REDOX_ACTION_OPEN 3
#define REDOX_OPEN_READ 1
#define REDOX_OPEN_WRITE 2
#define REDOX_OPEN_CREAT 4
#define REDOX_OPEN_EXCL 8
#define REDOX_OPEN_TRUNC 16
#define REDOX_OPEN_APPEND 32
#define REDOX_OPEN_DIRECTORY 64

/* dispositions for __redox_sigaction */
#define REDOX_SIG_DFL 0
#define REDOX_SIG_IGN 1
#define REDOX_SIG_HANDLE 2

struct __redox_action {
  int32_t op, fd, newfd, flags, mode;
  const char *path;
  int32_t path_len;
};

int32_t __redox_spawn(const char *path, int32_t path_len, const char *argv, int32_t argv_len, const char *env,
                      int32_t env_len, const struct __redox_action *actions, int32_t nactions, int32_t flags,
                      int32_t pgid, uint32_t sigmask, uint32_t sigdefault, int32_t *pid) REDOX_IMPORT(spawn);
int32_t __redox_waitpid(int32_t pid, int32_t options, int32_t *status, int32_t *got) REDOX_IMPORT(waitpid);
int32_t __redox_kill(int32_t pid, int32_t sig) REDOX_IMPORT(kill);
int32_t __redox_sigaction(int32_t sig, int32_t disposition, int32_t *old) REDOX_IMPORT(sigaction);
int32_t __redox_sigprocmask(int32_t how, uint32_t mask, uint32_t *old) REDOX_IMPORT(sigprocmask);
int32_t __redox_sigpending(uint32_t *set) REDOX_IMPORT(sigpending);
int32_t __redox_pipe(int32_t fds[2]) REDOX_IMPORT(pipe);
int32_t __redox_dup(int32_t fd, int32_t *out) REDOX_IMPORT(dup);
int32_t __redox_dup2(int32_t fd, int32_t newfd) REDOX_IMPORT(dup2);
/* the id getters cannot fail: they return the id */
int32_t __redox_getpid(void) REDOX_IMPORT(getpid);
int32_t __redox_getppid(void) REDOX_IMPORT(getppid);
int32_t __redox_getuid(void) REDOX_IMPORT(getuid);
int32_t __redox_getgid(void) REDOX_IMPORT(getgid);
int32_t __redox_geteuid(void) REDOX_IMPORT(geteuid);
int32_t __redox_getegid(void) REDOX_IMPORT(getegid);
int32_t __redox_getpgid(int32_t pid, int32_t *out) REDOX_IMPORT(getpgid);
int32_t __redox_setpgid(int32_t pid, int32_t pgid) REDOX_IMPORT(setpgid);
int32_t __redox_setsid(int32_t *out) REDOX_IMPORT(setsid);
int32_t __redox_chdir(const char *path, int32_t len) REDOX_IMPORT(chdir);
int32_t __redox_getcwd(char *buf, int32_t len, int32_t *used) REDOX_IMPORT(getcwd);
int32_t __redox_isatty(int32_t fd) REDOX_IMPORT(isatty);

/* a terminal's settings as the OS keeps them (src/syscall/termios.ts): Linux's flag values */
struct __redox_termios {
  uint32_t iflag, oflag, cflag, lflag;
  uint8_t cc[32];
};
/* a window size: rows, columns, pixel width, pixel height (the layout of struct winsize) */
struct __redox_winsize {
  uint16_t rows, cols, xpixel, ypixel;
};
int32_t __redox_tcgetattr(int32_t fd, struct __redox_termios *out) REDOX_IMPORT(tcgetattr);
int32_t __redox_tcsetattr(int32_t fd, const struct __redox_termios *settings) REDOX_IMPORT(tcsetattr);
int32_t __redox_tcgetwinsize(int32_t fd, struct __redox_winsize *out) REDOX_IMPORT(tcgetwinsize);
int32_t __redox_tcsetwinsize(int32_t fd, const struct __redox_winsize *size) REDOX_IMPORT(tcsetwinsize);
int32_t __redox_tcgetpgrp(int32_t fd, int32_t *out) REDOX_IMPORT(tcgetpgrp);
int32_t __redox_tcsetpgrp(int32_t fd, int32_t pgid) REDOX_IMPORT(tcsetpgrp);
/* the slave's path of a pseudo-terminal master, NUL-terminated; *used is its length (ERANGE if
 * it does not fit) */
int32_t __redox_ptsname(int32_t fd, char *buf, int32_t len, int32_t *used) REDOX_IMPORT(ptsname);
/* the path the OS gives an open fd (/scheme/pty/3, /scheme/debug, ...), the same way */
int32_t __redox_fpath(int32_t fd, char *buf, int32_t len, int32_t *used) REDOX_IMPORT(fpath);

#endif
