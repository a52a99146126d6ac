#define _GNU_SOURCE
#include <pthread.h>
#include "CStackBounds.h"

// A thread's stack never moves, so the bounds are read once per thread:
// pthread_getattr_np costs a system call.
static __thread void *cached_lowest;
static __thread size_t cached_size;

int wh_current_thread_stack(void **lowest, size_t *size) {
    if (cached_lowest == NULL) {
        pthread_attr_t attributes;
        int rc = pthread_getattr_np(pthread_self(), &attributes);
        if (rc != 0) return rc;
        rc = pthread_attr_getstack(&attributes, &cached_lowest, &cached_size);
        pthread_attr_destroy(&attributes);
        if (rc != 0) {
            cached_lowest = NULL;
            return rc;
        }
    }
    *lowest = cached_lowest;
    *size = cached_size;
    return 0;
}
