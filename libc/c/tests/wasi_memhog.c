/*
 * wasi_memhog: allocates 1 MiB blocks (touching each) until malloc fails or 1 GiB is reached,
 * and prints how far it got. Inside our OS the process memory limit caps linear memory, so
 * malloc fails near the limit instead of the program taking the host's RAM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *volatile blocks[1024];

int main(void) {
  int mib = 0;
  for (; mib < 1024; mib++) {
    blocks[mib] = malloc(1 << 20);
    if (!blocks[mib]) break;
    memset(blocks[mib], mib & 0xff, 1 << 20);
  }
  long sum = 0;
  for (int i = 0; i < mib; i++) sum += blocks[i][i];
  printf("allocated %d MiB before malloc failed (checksum %ld)\n", mib, sum);
  return mib < 1024 ? 0 : 1;
}
