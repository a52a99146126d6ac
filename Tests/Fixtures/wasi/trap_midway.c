/* WASI fixture: print a line (flushed), then hit a wasm `unreachable`. */
#include <stdio.h>

int main(void) {
    puts("before");
    fflush(stdout);
    __builtin_trap();
}
