/* WASI fixture: print a line, then exit with status 3 (proc_exit(3)). */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    puts("exiting with 3");
    exit(3);
}
