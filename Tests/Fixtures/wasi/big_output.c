/* WASI fixture: write exactly 5 MiB of 'x' to stdout in 64 KiB chunks. */
#include <string.h>
#include <unistd.h>

#define CHUNK (64 * 1024)
#define TOTAL (5 * 1024 * 1024)

int main(void) {
    static char buf[CHUNK];
    memset(buf, 'x', sizeof buf);
    for (long written = 0; written < TOTAL; written += CHUNK) {
        size_t off = 0;
        while (off < CHUNK) {
            ssize_t n = write(1, buf + off, CHUNK - off);
            if (n < 0) {
                return 1;
            }
            off += (size_t)n;
        }
    }
    return 0;
}
