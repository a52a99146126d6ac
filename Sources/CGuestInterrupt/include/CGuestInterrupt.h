#ifndef CGUESTINTERRUPT_H
#define CGUESTINTERRUPT_H
#include <stdint.h>

/// Parks a thread that runs guest code, so that another thread can change the
/// guest's fuel while the guest is not running.
///
/// Why: WasmKit charges fuel with a plain load-subtract-store on the running
/// thread. A zero written from the watchdog thread while that loop runs on
/// another core is overwritten by the loop's next store almost every time (the
/// running core keeps forwarding its own pending store), so a spinning guest
/// can outlive its deadline by seconds. A signal handler on the running thread
/// waits while the watchdog writes; afterwards the guest reloads the cell and
/// sees the zero (unless the signal landed between one charge's load and
/// store, which the watchdog's next attempt covers).
///
/// Why C: a signal handler must touch nothing but lock-free atomics.

/// The calling thread's parking slot (thread-local; valid for the thread's life).
typedef struct wh_park_slot wh_park_slot;

/// Installs the handler once per process; returns 0 on success.
int wh_interrupt_install(void);

/// The calling thread's slot.
wh_park_slot *_Nonnull wh_park_slot_current(void);

/// Stops the slot's thread in the handler. Returns 1 when it is parked (call
/// `wh_interrupt_resume` next), 0 when it did not park within `timeout_ns`.
int wh_interrupt_park(wh_park_slot *_Nonnull slot, uint64_t timeout_ns);

/// Lets a parked thread go on.
void wh_interrupt_resume(wh_park_slot *_Nonnull slot);

#endif
