import Foundation
import HTTPServer
import Synchronization

/// Answers deferred invocations whose worker is late: at its deadline (plus a
/// little slack), an invocation that has not answered gets `504 timeout` from
/// this timer's thread, whatever its worker is doing.
///
/// The Sandbox stops a running guest at its deadline, but nothing can stop an
/// engine while it compiles a function on first call (a 30 MiB function took
/// most of a second), and a request can wait in the queue past its deadline.
/// The client's answer must not wait for either. The worker finishes on its
/// own, within the fuel budget, and its late answer is dropped.
final class DeadlineTimer: @unchecked Sendable {
    // Safety: `entries`, `nextWake`, `started` and `stopped` are guarded by `condition`.
    private struct Entry {
        let deadline: UInt64
        let fire: @Sendable () -> Void
    }

    private let condition = NSCondition()
    private var entries: [UInt64: Entry] = [:]
    private var nextKey: UInt64 = 0
    private var nextWake = UInt64.max
    private var started = false
    private var stopped = false

    /// How long after the deadline the timer answers: the Sandbox's own `504`,
    /// with `fuel_used`, normally comes first.
    static let slackNanoseconds: UInt64 = 20_000_000

    /// Calls `fire` at `deadline` (monotonic nanoseconds) plus the slack, unless
    /// ``cancel(_:)`` comes first. Returns the key to cancel with.
    func schedule(at deadline: UInt64, _ fire: @escaping @Sendable () -> Void) -> UInt64 {
        let due = deadline &+ Self.slackNanoseconds
        condition.lock()
        defer { condition.unlock() }
        if !started {
            started = true
            let thread = Thread { [unowned self] in self.loop() }
            thread.name = "wasmhost-deadlines"
            thread.stackSize = 256 << 10
            thread.start()
        }
        nextKey += 1
        entries[nextKey] = Entry(deadline: due, fire: fire)
        if due < nextWake { condition.signal() }
        return nextKey
    }

    /// Ends the timer's thread; entries still waiting never fire (at shutdown the
    /// HTTP server answers what is unanswered).
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// Forgets `key`; its `fire` will not be called after this returns unless it already was.
    func cancel(_ key: UInt64) {
        condition.lock()
        entries[key] = nil
        condition.unlock()
    }

    private func loop() {
        condition.lock()
        while !stopped {
            let now = DispatchTime.now().uptimeNanoseconds
            var due: [@Sendable () -> Void] = []
            var next = UInt64.max
            for (key, entry) in entries {
                if entry.deadline <= now {
                    due.append(entry.fire)
                    entries[key] = nil
                } else {
                    next = min(next, entry.deadline)
                }
            }
            if !due.isEmpty {
                condition.unlock()
                for fire in due { fire() }
                condition.lock()
                continue
            }
            nextWake = next
            if next == .max {
                condition.wait()
            } else {
                _ = condition.wait(until: Date(timeIntervalSinceNow: Double(next - now) / 1e9))
            }
        }
        condition.unlock()
    }
}

/// The completion of a deferred request, called by whichever comes first.
final class AnswerOnce: Sendable {
    private let claimed = Atomic<Bool>(false)
    private let complete: @Sendable (HTTPResponse) -> Void

    init(_ complete: @escaping @Sendable (HTTPResponse) -> Void) { self.complete = complete }

    /// True once someone answered.
    var isAnswered: Bool { claimed.load(ordering: .acquiring) }

    /// Answers with what `make` builds, if nobody answered yet; `make` runs only then.
    func answer(_ make: () -> HTTPResponse) {
        guard claimed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        complete(make())
    }
}
