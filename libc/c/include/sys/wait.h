/* sys/wait.h for redox-ts: waitpid over our kernel (the classic status layout). */
#ifndef REDOX_SYS_WAIT_H
#define REDOX_SYS_WAIT_H

#include <sys/types.h>

#define WNOHANG 1
#define WUNTRACED 2

#define WEXITSTATUS(s) (((s) & 0xff00) >> 8)
#define WTERMSIG(s) ((s) & 0x7f)
#define WSTOPSIG(s) WEXITSTATUS(s)
#define WIFEXITED(s) (!WTERMSIG(s))
#define WIFSTOPPED(s) (((s) & 0xff) == 0x7f)
#define WIFSIGNALED(s) (((s) & 0xffff) - 1U < 0xffu)

pid_t waitpid(pid_t, int *, int);
pid_t wait(int *);

#endif
