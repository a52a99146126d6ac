import TestSupport
import CGuestInterrupt
import Dispatch
import Synchronization
import Testing
@testable import Sandbox

/// The signal that parks a guest's thread while the watchdog empties its fuel.
@Suite(.timeLimit(.minutes(3)))
struct GuestInterruptTests {
    /// A slot and a counter shared with the spinning thread.
    final class Spinner: @unchecked Sendable {
        // Safety: `slot` is written once before `ready` is set and read after.
        var slot: OpaquePointer?
        let ready = DispatchSemaphore(value: 0)
        let stop = Atomic<Bool>(false)
        let spins = Atomic<Int>(0)
    }

    @Test(.timeLimit(.minutes(1)))
    func aWorkerThreadParksAndGoesOnWhenResumed() throws {
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
        try #require(spinner.ready.wait(timeout: .now() + 30) == .success)
        defer { spinner.stop.store(true, ordering: .relaxed) }
        let slot = try #require(spinner.slot)
        // The handler lets the thread go by itself after 20 ms. A check that took
        // longer (this thread descheduled on a busy machine) proves nothing and is
        // repeated, rather than failing or passing by luck.
        var conclusive = 0
        for _ in 0..<200 where conclusive < 5 {
            try #require(wh_interrupt_park(slot, 1_000_000_000) == 1, "the thread parked in the handler")
            let parkedAt = Watchdog.now()
            let whileParked = spinner.spins.load(ordering: .relaxed)
            while Watchdog.now() - parkedAt < 2_000_000 {}  // 2 ms in which a running thread would spin
            let afterwards = spinner.spins.load(ordering: .relaxed)
            let elapsed = Watchdog.now() - parkedAt
            wh_interrupt_resume(slot)
            guard elapsed < 15_000_000 else { continue }
            #expect(afterwards == whileParked, "the parked thread ran")
            conclusive += 1
        }
        #expect(conclusive == 5)
        let resumedAt = spinner.spins.load(ordering: .relaxed)
        #expect(Poll.until(seconds: 10) { spinner.spins.load(ordering: .relaxed) != resumedAt }, "the thread went on")
    }

    @Test(.timeLimit(.minutes(1)))
    func aParkedThreadThatIsNeverResumedGoesOnByItself() throws {
        _ = Watchdog.shared
        // This thread parks itself: the handler runs as pthread_kill returns,
        // and nobody can resume it, so it must give up on its own (after 20 ms)
        // rather than hold the thread forever.
        let slot = wh_park_slot_current()
        #expect(wh_interrupt_park(slot, 50_000_000) == 1)
        wh_interrupt_resume(slot)
    }
}
