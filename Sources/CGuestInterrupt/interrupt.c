#define _GNU_SOURCE
#include "CGuestInterrupt.h"
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

struct wh_park_slot {
    pthread_t thread;
    /// Incremented by the watchdog for each park request.
    atomic_uint_fast64_t requested;
    /// Set by the handler to the request it is parked for.
    atomic_uint_fast64_t parked;
    /// Set by the watchdog to the request it is done with.
    atomic_uint_fast64_t resumed;
};

static _Thread_local struct wh_park_slot slot_of_this_thread;
static _Thread_local int slot_ready;

/// How long a parked handler waits for the watchdog at most, so that no thread
/// can be held forever.
static const uint64_t handler_limit_ns = 20 * 1000 * 1000;

static int interrupt_signal(void) { return SIGRTMIN + 3; }

static uint64_t now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static void handle_interrupt(int signal_number) {
    (void)signal_number;
    if (!slot_ready) return;
    struct wh_park_slot *slot = &slot_of_this_thread;
    uint64_t request = atomic_load(&slot->requested);
    if (atomic_load(&slot->resumed) >= request) return; /* a stale signal */
    atomic_store(&slot->parked, request);
    uint64_t started = now_ns();
    while (atomic_load(&slot->resumed) < request) {
        if (now_ns() - started > handler_limit_ns) break;
    }
}

int wh_interrupt_install(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handle_interrupt;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    return sigaction(interrupt_signal(), &action, NULL);
}

wh_park_slot *wh_park_slot_current(void) {
    if (!slot_ready) {
        /* Threads started from libdispatch's threads inherit a mask that blocks
           nearly every signal; this one must reach the thread that runs guests. */
        sigset_t mine;
        sigemptyset(&mine);
        sigaddset(&mine, interrupt_signal());
        pthread_sigmask(SIG_UNBLOCK, &mine, NULL);
        slot_of_this_thread.thread = pthread_self();
        atomic_store(&slot_of_this_thread.requested, 0);
        atomic_store(&slot_of_this_thread.parked, 0);
        atomic_store(&slot_of_this_thread.resumed, 0);
        slot_ready = 1;
    }
    return &slot_of_this_thread;
}

int wh_interrupt_park(wh_park_slot *slot, uint64_t timeout_ns) {
    uint64_t request = atomic_fetch_add(&slot->requested, 1) + 1;
    if (pthread_kill(slot->thread, interrupt_signal()) != 0) {
        atomic_store(&slot->resumed, request);
        return 0;
    }
    uint64_t started = now_ns();
    while (atomic_load(&slot->parked) < request) {
        if (now_ns() - started > timeout_ns) {
            atomic_store(&slot->resumed, request);
            return 0;
        }
    }
    return 1;
}

void wh_interrupt_resume(wh_park_slot *slot) {
    atomic_store(&slot->resumed, atomic_load(&slot->requested));
}
