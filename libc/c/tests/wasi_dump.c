/*
 * wasi_dump: prints a directory tree (sorted), each entry's type and size, and the contents of
 * regular files, so the differential test can compare the files a program left behind.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void dump(const char *path, const char *shown) {
  DIR *dir = opendir(path);
  if (!dir) return;
  char *names[256];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(dir)) && n < 256)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
  closedir(dir);
  qsort(names, (size_t)n, sizeof *names, by_name);
  for (int i = 0; i < n; i++) {
    char full[1024], rel[1024];
    snprintf(full, sizeof full, "%s/%s", path, names[i]);
    snprintf(rel, sizeof rel, "%s%s", shown, names[i]);
    struct stat st;
    if (lstat(full, &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      printf("%s/ dir\n", rel);
      char sub[1024];
      snprintf(sub, sizeof sub, "%s/", rel);
      dump(full, sub);
    } else if (S_ISLNK(st.st_mode)) {
      char target[256] = {0};
      readlink(full, target, sizeof target - 1);
      printf("%s symlink -> %s\n", rel, target);
    } else {
      printf("%s file %lld\n", rel, (long long)st.st_size);
      FILE *f = fopen(full, "rb");
      int c;
      printf("  |");
      while (f && (c = fgetc(f)) != EOF) putchar(c >= 32 && c < 127 ? c : '.');
      printf("|\n");
      if (f) fclose(f);
    }
  }
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  dump(argv[1], "");
  return 0;
}
