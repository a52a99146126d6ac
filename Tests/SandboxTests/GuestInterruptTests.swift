import CGuestInterrupt
import Dispatch
import Synchronization
import Testing
@testable import Sandbox

/// The signal that parks a guest's thread while the watchdog empties its fuel.
struct GuestInterruptTests {
    /// A slot and a counter shared with the spinning thread.
    final class Spinner: @unchecked Sendable {
        // Safety: `slot` is written once before `ready` is set and read after.
        var slot: OpaquePointer?
        let ready = DispatchSemaphore(value: 0)
        let stop = Atomic<Bool>(false)
        let spins = Atomic<Int>(0)
    }

    @Test func aWorkerThreadParksAndGoesOnWhenResumed() throws {
        _ = Watchdog.shared  // installs the handler
        let spinner = Spinner()
        // Worker threads inherit libdispatch's mask, which blocks nearly every
        // signal: the slot must unblock the interrupt for its thread.
        let accepted = Runner.pool.submit {
            spinner.slot = wh_park_slot_current()
            spinner.ready.signal()
            while !spinner.stop.load(ordering: .relaxed) { spinner.spins.add(1, ordering: .relaxed) }
        }
        #expect(accepted)
        spinner.ready.wait()
        defer { spinner.stop.store(true, ordering: .relaxed) }
        let slot = try #require(spinner.slot)
        for _ in 0..<5 {
            #expect(wh_interrupt_park(slot, 1_000_000_000) == 1, "the thread parked in the handler")
            let whileParked = spinner.spins.load(ordering: .relaxed)
            for _ in 0..<1000 { #expect(spinner.spins.load(ordering: .relaxed) == whileParked) }
            wh_interrupt_resume(slot)
        }
        let resumedAt = spinner.spins.load(ordering: .relaxed)
        while spinner.spins.load(ordering: .relaxed) == resumedAt {}
    }

    @Test func aParkedThreadThatIsNeverResumedGoesOnByItself() throws {
        _ = Watchdog.shared
        // This thread parks itself: the handler runs as pthread_kill returns,
        // and nobody can resume it, so it must give up on its own (after 20 ms)
        // rather than hold the thread forever.
        let slot = wh_park_slot_current()
        #expect(wh_interrupt_park(slot, 50_000_000) == 1)
        wh_interrupt_resume(slot)
    }
}
