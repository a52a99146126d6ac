#define _GNU_SOURCE
#include <pthread.h>
#include "CStackBounds.h"

int wh_current_thread_stack(void **lowest, size_t *size) {
    pthread_attr_t attributes;
    int rc = pthread_getattr_np(pthread_self(), &attributes);
    if (rc != 0) return rc;
    rc = pthread_attr_getstack(&attributes, lowest, size);
    pthread_attr_destroy(&attributes);
    return rc;
}
