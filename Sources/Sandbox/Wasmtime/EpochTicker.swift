#if WASMHOST_WASMTIME
import CWasmtime
import Foundation

/// The one thread that advances an engine's epoch, so that a store whose
/// deadline has passed traps at its next loop header or function entry.
///
/// It ticks only while invocations run: an idle daemon wakes no thread. The
/// epoch follows the clock (one tick per ``tickNanoseconds``), not the number
/// of wake-ups, so a late wake-up catches up instead of stretching deadlines.
final class EpochTicker: @unchecked Sendable {
    // Safety: `running` and `active` are guarded by `condition`; `engine` is
    // thread-safe for `wasmtime_engine_increment_epoch`.
    static let tickNanoseconds: UInt64 = 500_000

    private let engine: OpaquePointer
    private let condition = NSCondition()
    private var active = 0

    init(engine: OpaquePointer) {
        self.engine = engine
    }

    func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "wasmtime-epoch"
        thread.stackSize = 256 << 10
        thread.start()
    }

    /// An invocation starts; the ticker runs while any does.
    func begin() {
        condition.lock()
        active += 1
        if active == 1 { condition.signal() }
        condition.unlock()
    }

    func end() {
        condition.lock()
        active -= 1
        condition.unlock()
    }

    /// Ticks from now until `deadline` (monotonic nanoseconds), plus one, so that
    /// the trap never comes before the deadline: the first tick may be imminent.
    static func ticks(until deadline: UInt64, now: UInt64) -> UInt64 {
        guard deadline > now else { return 0 }
        return (deadline - now + tickNanoseconds - 1) / tickNanoseconds + 1
    }

    private func loop() {
        var last = Watchdog.now()
        while true {
            condition.lock()
            if active == 0 {
                while active == 0 { condition.wait() }
                // Deadlines set while idle count from the epoch as it is: no catch-up.
                last = Watchdog.now()
            }
            condition.unlock()
            var pause = timespec(tv_sec: 0, tv_nsec: Int(Self.tickNanoseconds))
            nanosleep(&pause, nil)
            let now = Watchdog.now()
            let due = (now - last) / Self.tickNanoseconds
            guard due > 0 else { continue }
            last += due * Self.tickNanoseconds
            for _ in 0..<due { wasmtime_engine_increment_epoch(engine) }
        }
    }
}
#endif
