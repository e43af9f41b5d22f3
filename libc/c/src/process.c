/*
 * Processes and descriptors for wasm programs on redox-ts: posix_spawn, waitpid, pipe, dup,
 * dup2, ids, process groups, and a chdir that moves the kernel's cwd along with wasi-libc's.
 * Each function calls one redox_posix import (redox/abi.h) and turns its WASI errno into errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "redox/abi.h"

#undef chdir
int chdir(const char *);
extern char **environ;

static int fail(int32_t err) {
  errno = err;
  return -1;
}

pid_t getpid(void) { return __redox_getpid(); }
pid_t getppid(void) { return __redox_getppid(); }
uid_t getuid(void) { return (uid_t)__redox_getuid(); }
uid_t geteuid(void) { return (uid_t)__redox_geteuid(); }
gid_t getgid(void) { return (gid_t)__redox_getgid(); }
gid_t getegid(void) { return (gid_t)__redox_getegid(); }

pid_t getpgid(pid_t pid) {
  int32_t out;
  int32_t err = __redox_getpgid(pid, &out);
  return err ? fail(err) : out;
}

pid_t getpgrp(void) { return getpgid(0); }

int setpgid(pid_t pid, pid_t pgid) {
  int32_t err = __redox_setpgid(pid, pgid);
  return err ? fail(err) : 0;
}

pid_t setsid(void) {
  int32_t out;
  int32_t err = __redox_setsid(&out);
  return err ? fail(err) : out;
}

int pipe(int fds[2]) {
  int32_t out[2];
  int32_t err = __redox_pipe(out);
  if (err) return fail(err);
  fds[0] = out[0];
  fds[1] = out[1];
  return 0;
}

int dup(int fd) {
  int32_t out;
  int32_t err = __redox_dup(fd, &out);
  return err ? fail(err) : out;
}

int dup2(int fd, int newfd) {
  int32_t err = __redox_dup2(fd, newfd);
  return err ? fail(err) : newfd;
}

pid_t waitpid(pid_t pid, int *status, int options) {
  int32_t st = 0, got = 0;
  int32_t err = __redox_waitpid(pid, options, &st, &got);
  if (err) return fail(err);
  if (status) *status = st;
  return got;
}

pid_t wait(int *status) { return waitpid(-1, status, 0); }

/* wasi-libc resolves relative paths against its own cwd; keep the kernel's equal to it. */
int __redox_chdir_both(const char *path) {
  if (chdir(path) != 0) return -1;
  char cwd[PATH_MAX];
  if (!getcwd(cwd, sizeof cwd)) return -1;
  int32_t err = __redox_chdir(cwd, (int32_t)strlen(cwd));
  return err ? fail(err) : 0;
}

/* At start-up, adopt the cwd the OS gave this process (wasi-libc starts at "/"). */
__attribute__((constructor)) static void adopt_kernel_cwd(void) {
  char cwd[PATH_MAX];
  int32_t used;
  if (__redox_getcwd(cwd, sizeof cwd, &used) == 0) chdir(cwd);
}

/* ---- posix_spawn ---- */

int posix_spawnattr_init(posix_spawnattr_t *a) {
  memset(a, 0, sizeof *a);
  return 0;
}
int posix_spawnattr_destroy(posix_spawnattr_t *a) { (void)a; return 0; }
int posix_spawnattr_setflags(posix_spawnattr_t *a, short flags) {
  if (flags & ~(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)) return EINVAL;
  a->__flags = flags;
  return 0;
}
int posix_spawnattr_getflags(const posix_spawnattr_t *a, short *flags) { *flags = (short)a->__flags; return 0; }
int posix_spawnattr_setpgroup(posix_spawnattr_t *a, pid_t pgrp) { a->__pgrp = pgrp; return 0; }
int posix_spawnattr_getpgroup(const posix_spawnattr_t *a, pid_t *pgrp) { *pgrp = a->__pgrp; return 0; }
int posix_spawnattr_setsigmask(posix_spawnattr_t *a, const sigset_t *s) { a->__mask = *s; return 0; }
int posix_spawnattr_getsigmask(const posix_spawnattr_t *a, sigset_t *s) { *s = a->__mask; return 0; }
int posix_spawnattr_setsigdefault(posix_spawnattr_t *a, const sigset_t *s) { a->__def = *s; return 0; }
int posix_spawnattr_getsigdefault(const posix_spawnattr_t *a, sigset_t *s) { *s = a->__def; return 0; }

int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa) {
  memset(fa, 0, sizeof *fa);
  return 0;
}

int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa) {
  struct __redox_action *list = fa->__actions;
  for (int i = 0; i < fa->__count; i++) free((void *)list[i].path);
  free(list);
  memset(fa, 0, sizeof *fa);
  return 0;
}

static int add_action(posix_spawn_file_actions_t *fa, struct __redox_action action) {
  if (action.fd < 0 || action.newfd < 0) return EBADF;
  if (fa->__count == fa->__capacity) {
    int capacity = fa->__capacity ? fa->__capacity * 2 : 4;
    void *grown = realloc(fa->__actions, (size_t)capacity * sizeof action);
    if (!grown) return ENOMEM;
    fa->__actions = grown;
    fa->__capacity = capacity;
  }
  ((struct __redox_action *)fa->__actions)[fa->__count++] = action;
  return 0;
}

int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd) {
  return add_action(fa, (struct __redox_action){REDOX_ACTION_CLOSE, fd, 0, 0, 0, 0, 0});
}

int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int newfd) {
  return add_action(fa, (struct __redox_action){REDOX_ACTION_DUP2, fd, newfd, 0, 0, 0, 0});
}

static int32_t open_flags(int oflag) {
  int32_t f = 0;
  if ((oflag & O_RDONLY) == O_RDONLY) f |= REDOX_OPEN_READ;
  if ((oflag & O_WRONLY) == O_WRONLY) f |= REDOX_OPEN_WRITE;
  if (oflag & O_CREAT) f |= REDOX_OPEN_CREAT;
  if (oflag & O_EXCL) f |= REDOX_OPEN_EXCL;
  if (oflag & O_TRUNC) f |= REDOX_OPEN_TRUNC;
  if (oflag & O_APPEND) f |= REDOX_OPEN_APPEND;
  if (oflag & O_DIRECTORY) f |= REDOX_OPEN_DIRECTORY;
  return f;
}

int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa, int fd, const char *path, int oflag, mode_t mode) {
  char *copy = strdup(path);
  if (!copy) return ENOMEM;
  int err = add_action(fa, (struct __redox_action){REDOX_ACTION_OPEN, fd, 0, open_flags(oflag), (int32_t)mode, copy,
                                                    (int32_t)strlen(copy)});
  if (err) free(copy);
  return err;
}

/* Packs strings NUL-terminated back to back; returns the buffer (malloc'd) and its length. */
static char *pack(char *const list[], int32_t *len) {
  size_t total = 0;
  for (int i = 0; list && list[i]; i++) total += strlen(list[i]) + 1;
  char *out = malloc(total ? total : 1);
  if (!out) return NULL;
  size_t at = 0;
  for (int i = 0; list && list[i]; i++) {
    size_t n = strlen(list[i]) + 1;
    memcpy(out + at, list[i], n);
    at += n;
  }
  *len = (int32_t)total;
  return out;
}

static uint32_t kernel_mask(const sigset_t *set) {
  uint32_t mask = 0;
  for (int sig = 1; sig < 32; sig++)
    if (sigismember(set, sig) == 1) mask |= 1u << sig;
  return mask;
}

int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
                char *const argv[], char *const envp[]) {
  int32_t argv_len = 0, env_len = 0;
  char *args = pack(argv, &argv_len);
  char *env = pack(envp ? envp : environ, &env_len);
  int err = ENOMEM;
  if (args && env) {
    int32_t flags = 0, pgid = 0;
    uint32_t mask = 0, def = 0;
    if (attr) {
      if (attr->__flags & POSIX_SPAWN_SETPGROUP) flags |= REDOX_SPAWN_SETPGROUP, pgid = attr->__pgrp;
      if (attr->__flags & POSIX_SPAWN_SETSIGMASK) flags |= REDOX_SPAWN_SETSIGMASK, mask = kernel_mask(&attr->__mask);
      if (attr->__flags & POSIX_SPAWN_SETSIGDEF) flags |= REDOX_SPAWN_SETSIGDEF, def = kernel_mask(&attr->__def);
    }
    int32_t child = 0;
    err = __redox_spawn(path, (int32_t)strlen(path), args, argv_len, env, env_len, fa ? fa->__actions : NULL,
                        fa ? fa->__count : 0, flags, pgid, mask, def, &child);
    if (!err && pid) *pid = child;
  }
  free(args);
  free(env);
  return err;
}

int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
                 char *const argv[], char *const envp[]) {
  if (strchr(file, '/')) return posix_spawn(pid, file, fa, attr, argv, envp);
  const char *search = getenv("PATH");
  if (!search) search = "/bin";
  char candidate[PATH_MAX];
  int err = ENOENT;
  while (*search) {
    size_t n = strcspn(search, ":");
    if (n + 1 + strlen(file) + 1 <= sizeof candidate) {
      memcpy(candidate, search, n);
      candidate[n] = '/';
      strcpy(candidate + n + 1, file);
      struct stat st;
      if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode)) {
        err = posix_spawn(pid, candidate, fa, attr, argv, envp);
        if (err != ENOENT && err != EACCES) return err;
      }
    }
    search += n;
    if (*search == ':') search++;
  }
  return err;
}
