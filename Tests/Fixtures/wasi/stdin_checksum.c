/* WASI fixture: read all of stdin, print its length and 32-bit FNV-1a hash. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
    static unsigned char buf[65536];
    uint32_t hash = 2166136261u; /* FNV-1a 32-bit offset basis */
    unsigned long long total = 0;
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n < 0) {
            perror("read");
            return 1;
        }
        if (n == 0) {
            break;
        }
        for (ssize_t i = 0; i < n; i++) {
            hash ^= buf[i];
            hash *= 16777619u; /* FNV-1a 32-bit prime */
        }
        total += (unsigned long long)n;
    }
    printf("bytes=%llu fnv1a=%08x\n", total, (unsigned)hash);
    fflush(stdout);
    fputs("done\n", stderr);
    return 0;
}
