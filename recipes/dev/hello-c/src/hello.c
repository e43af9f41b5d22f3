/* hello-c: the cookbook's C example. Prints a greeting, its arguments, and exits 0. */
#include <stdio.h>

int main(int argc, char **argv) {
    printf("hello from C on redox-ts\n");
    for (int i = 1; i < argc; i++) printf("arg %d: %s\n", i, argv[i]);
    return 0;
}
