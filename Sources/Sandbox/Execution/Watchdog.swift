import CGuestInterrupt
import Foundation
import Synchronization
import WasmKit

/// Stops a running guest at its deadline by emptying its store's fuel.
///
/// WasmKit has no interrupt API and a fuel trap cannot be resumed, so the
/// watchdog thread sets the running store's remaining fuel to zero; the
/// interpreter reads that cell on every fuel charge and traps "out of fuel",
/// which the invocation reports as `timeout`.
///
/// The interpreter charges fuel with a plain load-subtract-store. A zero written
/// from this thread while a tight guest loop runs on another core is almost
/// always overwritten by the loop's next store (measured: a 300 ms deadline
/// missed by up to 6 s in release builds on an idle machine). So the watchdog
/// first parks the guest's thread in a signal handler (CGuestInterrupt), writes
/// the zero while the guest cannot run, and lets it go; the guest's next charge
/// then sees the zero. If the signal landed between one charge's load and
/// store, that store still wins, so the watchdog repeats every 5 ms until the
/// invocation lets go.
///
/// The write is a data race under Swift's memory model, confined to this type:
/// a store is touched only while its invocation is registered (under `lock`),
/// and while its thread is parked when parking works.
final class Watchdog: @unchecked Sendable {
    // Safety: `entries` is guarded by `lock`; the thread is started once.
    final class Ticket: @unchecked Sendable {
        // Safety: `stores` is changed and read only under the watchdog's lock;
        // `fired` is atomic.
        /// The invocation's stores: its own, then one per `host.invoke` target.
        fileprivate var stores: [Store]
        fileprivate var deadline: UInt64
        /// The parking slot of the thread that runs the invocation.
        fileprivate let thread: OpaquePointer
        let fired = Atomic<Bool>(false)
        /// Fuel left when the deadline first passed, for `fuel_used`.
        let remainingAtDeadline = Atomic<UInt64>(0)
        fileprivate init(store: Store, deadline: UInt64) {
            self.stores = [store]
            self.deadline = deadline
            thread = wh_park_slot_current()
        }
    }

    static let shared = Watchdog()
    static let refireNanoseconds: UInt64 = 5_000_000
    private let lock = NSCondition()
    private var entries: [ObjectIdentifier: Ticket] = [:]
    /// When the watchdog thread will next wake up on its own (guarded by `lock`).
    private var nextWake = UInt64.max

    private init() {
        if wh_interrupt_install() != 0 {
            FileHandle.standardError.write(Data("wasmhost: cannot install the guest interrupt signal; deadlines may be late\n".utf8))
        }
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = "wasmhost-watchdog"
        thread.stackSize = 256 << 10
        thread.start()
    }

    /// Monotonic nanoseconds.
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Starts watching `store` until `deadline` (monotonic nanoseconds). Call on
    /// the thread that runs the invocation: that is the thread the watchdog parks.
    func watch(_ store: Store, deadline: UInt64) -> Ticket {
        let ticket = Ticket(store: store, deadline: deadline)
        lock.lock()
        entries[ObjectIdentifier(ticket)] = ticket
        // Wake the thread only when this deadline comes before its next wake-up:
        // most invocations end long before an earlier one, and a wake costs a context switch.
        if deadline < nextWake { lock.signal() }
        lock.unlock()
        return ticket
    }

    /// Adds a store to an invocation's ticket (a `host.invoke` target that lives
    /// in its own store). Past the deadline, its fuel is emptied at once.
    func attach(_ store: Store, to ticket: Ticket) {
        lock.lock()
        ticket.stores.append(store)
        if ticket.fired.load(ordering: .relaxed) { store.fuel = Fuel(remaining: 0) }
        lock.unlock()
    }

    /// Stops watching; after this returns the watchdog never touches the ticket's stores.
    func release(_ ticket: Ticket) {
        lock.lock()
        entries[ObjectIdentifier(ticket)] = nil
        ticket.stores = []
        lock.unlock()
    }

    /// Empties the fuel of every store of `ticket` while its thread is parked.
    /// Nothing here may allocate: the parked thread could hold the allocator's lock.
    private func stop(_ ticket: Ticket) {
        let parked = wh_interrupt_park(ticket.thread, Self.parkTimeoutNanoseconds) == 1
        for store in ticket.stores { store.fuel = Fuel(remaining: 0) }
        if parked { wh_interrupt_resume(ticket.thread) }
    }

    /// How long to wait for a thread to park (it may be in a system call that
    /// takes the signal late); past it the zero is written anyway.
    static let parkTimeoutNanoseconds: UInt64 = 2_000_000

    private func loop() {
        lock.lock()
        while true {
            let now = Self.now()
            var next = UInt64.max
            for ticket in entries.values {
                if ticket.deadline <= now {
                    if !ticket.fired.load(ordering: .relaxed) {
                        // Fuel moves between the invocation's stores with the call chain;
                        // the least left is the running one's, the invocation's real remainder.
                        let remaining = ticket.stores.compactMap { $0.fuel?.remaining }.min() ?? 0
                        ticket.remainingAtDeadline.store(remaining, ordering: .relaxed)
                        ticket.fired.store(true, ordering: .sequentiallyConsistent)
                    }
                    stop(ticket)
                    // The interpreter's fuel charge is a read-modify-write: a charge in
                    // flight can overwrite this zero with the old value. Zero it again
                    // every few milliseconds until the invocation lets go.
                    ticket.deadline = now + Self.refireNanoseconds
                    next = min(next, ticket.deadline)
                } else {
                    next = min(next, ticket.deadline)
                }
            }
            nextWake = next
            if next == .max {
                lock.wait()
            } else {
                let seconds = Double(next - now) / 1e9
                _ = lock.wait(until: Date(timeIntervalSinceNow: seconds))
            }
        }
    }
}
