/* WASI fixture: the classic. */
#include <stdio.h>

int main(void) {
    puts("hello, world");
    return 0;
}
