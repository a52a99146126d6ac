/* WASI fixture: print argv entries, then environment variables, to stdout. */
#include <stdio.h>

extern char **environ;

int main(int argc, char **argv) {
    for (int i = 0; i < argc; i++) {
        printf("argv[%d]=%s\n", i, argv[i]);
    }
    if (environ != NULL) {
        for (char **e = environ; *e != NULL; e++) {
            printf("env %s\n", *e);
        }
    }
    return 0;
}
