/* WASI fixture: try to open /etc/passwd; report the outcome; always exit 0.
 * With no preopened directories a WASI runtime must refuse the path, so the
 * expected output is "open failed: errno=..." (wasi-libc: ENOTCAPABLE=76). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    FILE *f = fopen("/etc/passwd", "r");
    if (f == NULL) {
        int err = errno;
        printf("open failed: errno=%d (%s)\n", err, strerror(err));
        return 0;
    }
    puts("opened");
    fclose(f);
    return 0;
}
