#ifndef CSTACKBOUNDS_H
#define CSTACKBOUNDS_H
#include <stddef.h>

/// Lowest address and size of the calling thread's stack; returns 0 on success.
/// Why C: `pthread_getattr_np` is a GNU extension the Swift Glibc module does not export.
int wh_current_thread_stack(void *_Nullable *_Nonnull lowest, size_t *_Nonnull size);

#endif
