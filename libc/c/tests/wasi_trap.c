/* wasi_trap: prints a line, then traps (unreachable), to show how a trapping program ends. */
#include <stdio.h>

int main(void) {
  printf("about to trap\n");
  fflush(stdout);
  __builtin_trap();
}
