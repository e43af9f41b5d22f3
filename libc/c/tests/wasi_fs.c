/*
 * wasi_fs: exercises every fd_* and path_* function of wasi_snapshot_preview1 through wasi-libc
 * (and directly where POSIX has no spelling), inside the directory named by argv[1]. Prints one
 * line per check; the files it leaves are part of the differential test (test/libc/).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

#define CHECK(what, expr) report(what, (expr) == 0 ? 0 : errno)

static void report(const char *what, int err) {
  if (err) printf("%s: error %s\n", what, strerror(err));
  else printf("%s: ok\n", what);
}

static const char *type_of(mode_t m) {
  return S_ISREG(m) ? "file" : S_ISDIR(m) ? "dir" : S_ISLNK(m) ? "symlink" : S_ISCHR(m) ? "chr" : "other";
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: wasi_fs DIR\n");
    return 2;
  }
  CHECK("chdir", chdir(argv[1]));

  /* path_open (create, trunc), fd_write, fd_seek, fd_tell, fd_read, fd_close */
  int fd = open("a.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  printf("open a.txt: %s\n", fd >= 0 ? "ok" : strerror(errno));
  printf("write: %zd\n", write(fd, "hello, world\n", 13));
  printf("lseek end: %lld\n", (long long)lseek(fd, 0, SEEK_END));
  __wasi_filesize_t pos = 0;
  printf("fd_tell: %d %llu\n", __wasi_fd_tell(fd, &pos), (unsigned long long)pos);
  printf("lseek set: %lld\n", (long long)lseek(fd, 7, SEEK_SET));
  char buf[64] = {0};
  printf("read: %zd '%.5s'\n", read(fd, buf, 5), buf);
  /* fd_pwrite, fd_pread (the offset stays put) */
  printf("pwrite: %zd\n", pwrite(fd, "HELLO", 5, 0));
  memset(buf, 0, sizeof buf);
  printf("pread: %zd '%s'\n", pread(fd, buf, 13, 0), buf);
  printf("offset after pread: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  /* fd_filestat_get, fd_filestat_set_size, fd_allocate, fd_sync, fd_datasync, fd_advise */
  struct stat st;
  CHECK("fstat", fstat(fd, &st));
  printf("fstat: %s size %lld nlink %llu\n", type_of(st.st_mode), (long long)st.st_size, (unsigned long long)st.st_nlink);
  CHECK("ftruncate 20", ftruncate(fd, 20));
  fstat(fd, &st);
  printf("size after ftruncate: %lld\n", (long long)st.st_size);
  report("posix_fallocate 0+64", posix_fallocate(fd, 0, 64));
  fstat(fd, &st);
  printf("size after fallocate: %lld\n", (long long)st.st_size);
  CHECK("ftruncate 13", ftruncate(fd, 13));
  CHECK("fsync", fsync(fd));
  CHECK("fdatasync", fdatasync(fd));
  report("posix_fadvise", posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL));
  report("posix_fadvise bad advice", posix_fadvise(fd, 0, 0, 99));
  /* fd_fdstat_get, fd_fdstat_set_flags */
  int fl = fcntl(fd, F_GETFL);
  printf("F_GETFL append: %d\n", (fl & O_APPEND) != 0);
  CHECK("F_SETFL O_APPEND", fcntl(fd, F_SETFL, fl | O_APPEND));
  printf("F_GETFL append now: %d\n", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
  write(fd, "tail\n", 5);
  fstat(fd, &st);
  printf("size after append: %lld\n", (long long)st.st_size);
  /* fd_fdstat_set_rights: shrinking works, growing does not */
  __wasi_fdstat_t fs;
  printf("fdstat_get: %d\n", __wasi_fd_fdstat_get(fd, &fs));
  printf("filetype: %d\n", fs.fs_filetype);
  __wasi_rights_t fewer = fs.fs_rights_base & ~__WASI_RIGHTS_FD_WRITE;
  printf("set_rights shrink: %d\n", __wasi_fd_fdstat_set_rights(fd, fewer, fs.fs_rights_inheriting));
  printf("write without the right: %zd %s\n", write(fd, "x", 1), strerror(errno));
  printf("set_rights grow: %d\n", __wasi_fd_fdstat_set_rights(fd, fs.fs_rights_base, fs.fs_rights_inheriting));
  /* fd_filestat_set_times (futimens) and path_filestat_set_times (utimensat) */
  struct timespec times[2] = {{1000000000, 0}, {1000000000, 0}};
  CHECK("futimens", futimens(fd, times));
  CHECK("utimensat", utimensat(AT_FDCWD, "a.txt", times, 0));
  /* fd_renumber */
  int other = open("a.txt", O_RDONLY);
  printf("fd_renumber: %d\n", __wasi_fd_renumber(other, fd));
  memset(buf, 0, sizeof buf);
  printf("read renumbered: %zd '%.5s'\n", read(fd, buf, 5), buf);
  printf("old fd closed: %d\n", close(other) == -1 && errno == EBADF);
  CHECK("close", close(fd));
  printf("close again: %s\n", close(fd) == 0 ? "ok" : strerror(errno));

  /* path_create_directory, path_filestat_get, path_link, path_symlink, path_readlink, path_rename */
  CHECK("mkdir d", mkdir("d", 0755));
  printf("mkdir d again: %s\n", mkdir("d", 0755) == 0 ? "ok" : strerror(errno));
  CHECK("stat d", stat("d", &st));
  printf("d is %s\n", type_of(st.st_mode));
  CHECK("link", link("a.txt", "d/hard.txt"));
  stat("a.txt", &st);
  printf("nlink after link: %llu\n", (unsigned long long)st.st_nlink);
  CHECK("symlink", symlink("a.txt", "s.lnk"));
  CHECK("lstat s.lnk", lstat("s.lnk", &st));
  printf("s.lnk is %s\n", type_of(st.st_mode));
  CHECK("stat s.lnk", stat("s.lnk", &st));
  printf("s.lnk points to a %s of %lld bytes\n", type_of(st.st_mode), (long long)st.st_size);
  memset(buf, 0, sizeof buf);
  printf("readlink: %zd '%s'\n", readlink("s.lnk", buf, sizeof buf), buf);
  printf("open O_NOFOLLOW on a link: %s\n", open("s.lnk", O_RDONLY | O_NOFOLLOW) >= 0 ? "opened" : strerror(errno));
  CHECK("rename", rename("d/hard.txt", "d/moved.txt"));
  printf("open missing: %s\n", open("nope", O_RDONLY) >= 0 ? "opened" : strerror(errno));
  printf("open O_EXCL existing: %s\n", open("a.txt", O_WRONLY | O_CREAT | O_EXCL, 0644) >= 0 ? "opened" : strerror(errno));
  printf("open O_DIRECTORY on a file: %s\n", open("a.txt", O_RDONLY | O_DIRECTORY) >= 0 ? "opened" : strerror(errno));
  int w = open("d/new.txt", O_WRONLY | O_CREAT, 0644);
  write(w, "new\n", 4);
  close(w);

  /* fd_readdir (sorted: directory order is the filesystem's) */
  DIR *dir = opendir(".");
  char *names[32];
  int n = 0;
  struct dirent *e;
  int inode_mismatch = 0;
  while (dir && (e = readdir(dir)) && n < 32) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    names[n++] = strdup(e->d_name);
    if (lstat(e->d_name, &st) != 0 || st.st_ino != e->d_ino || e->d_ino == 0) inode_mismatch++;
  }
  if (dir) closedir(dir);
  qsort(names, (size_t)n, sizeof *names, by_name);
  printf("readdir inodes match lstat: %d\n", inode_mismatch == 0);
  printf("readdir:");
  for (int i = 0; i < n; i++) printf(" %s", names[i]);
  printf("\n");

  /* path_unlink_file, path_remove_directory */
  printf("rmdir non-empty: %s\n", rmdir("d") == 0 ? "ok" : strerror(errno));
  printf("unlink a dir: %s\n", unlink("d") == 0 ? "ok" : strerror(errno));
  CHECK("unlink moved", unlink("d/moved.txt"));
  CHECK("mkdir e", mkdir("e", 0755));
  CHECK("rmdir e", rmdir("e"));
  CHECK("unlink s.lnk", unlink("s.lnk"));
  printf("stat after unlink: %s\n", stat("s.lnk", &st) == 0 ? "exists" : strerror(errno));

  /* fd_prestat_get, fd_prestat_dir_name on the preopen and beyond it */
  __wasi_prestat_t pre;
  printf("prestat 3: %d len %lu\n", __wasi_fd_prestat_get(3, &pre), (unsigned long)pre.u.dir.pr_name_len);
  char name[16] = {0};
  printf("prestat name: %d '%s'\n", __wasi_fd_prestat_dir_name(3, (uint8_t *)name, pre.u.dir.pr_name_len), name);
  printf("prestat of a bad fd: %d\n", __wasi_fd_prestat_get(99, &pre));
  return 0;
}
