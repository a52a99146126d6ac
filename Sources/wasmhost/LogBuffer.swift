import Foundation
import Synchronization

/// Log lines collected in memory and written to stderr in batches by one
/// background thread, as nginx's `access_log … buffer= flush=` does.
///
/// A request's thread only appends to a buffer under a short lock; it never
/// writes, so a slow disk or pipe cannot stall an event thread. The writer
/// wakes at least every ``flushIntervalMilliseconds`` (sooner once ``eagerBytes`` are
/// waiting), swaps the buffer out and writes it with no lock held.
/// ``flush()`` writes what is left; the daemon calls it before it exits.
final class LogBuffer: Sendable {
    static let shared = LogBuffer()

    /// Longest time a line waits in memory, in milliseconds.
    static let flushIntervalMilliseconds = 100
    /// Waiting bytes that wake the writer early.
    static let eagerBytes = 64 << 10
    /// Bytes kept while the writer cannot keep up; lines past this are counted, not kept.
    static let maxBytes = 16 << 20

    private struct Pending {
        var bytes: [UInt8] = []
        var dropped = 0
        /// The current second's timestamp text, made once per second, not per line.
        var second = -1
        var stamp: [UInt8] = []
    }

    private let pending = Mutex(Pending())
    /// Serialises writers (the background thread and ``flush()``) so lines stay in order.
    private let writing = Mutex(())
    private let wake = DispatchSemaphore(value: 0)
    private let started = Atomic<Bool>(false)

    /// Appends one line: `prefix`, the timestamp `stamp(second)` made (cached for
    /// the second), `.mmm` when asked for, then `rest`. With `immediately` the
    /// line is written before this returns (the one-shot commands, which have no
    /// writer thread).
    func append(prefix: StaticString, stamp: (Int) -> String, withMilliseconds: Bool, rest: [UInt8], immediately: Bool = false) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let millis = withMilliseconds ? Self.milliseconds(Int(now.tv_nsec) / 1_000_000) : []
        let wakeWriter = pending.withLock { state -> Bool in
            guard state.bytes.count + rest.count < Self.maxBytes else {
                state.dropped += 1
                return false
            }
            if state.second != now.tv_sec {
                state.second = now.tv_sec
                state.stamp = Array(stamp(now.tv_sec).utf8)
            }
            prefix.withUTF8Buffer { state.bytes.append(contentsOf: $0) }
            state.bytes += state.stamp
            state.bytes += millis
            state.bytes += rest
            return state.bytes.count >= Self.eagerBytes
        }
        if immediately { return flush() }
        startWriterOnce()
        if wakeWriter { wake.signal() }
    }

    /// Writes every line appended so far. Safe to call from any thread.
    func flush() {
        writing.withLock { _ in
            let (bytes, dropped) = pending.withLock { state in
                defer { state.bytes = []; state.dropped = 0 }
                return (state.bytes, state.dropped)
            }
            var out = bytes
            if dropped > 0 { out += Array("wasmhost: \(dropped) log lines dropped: stderr could not keep up\n".utf8) }
            guard !out.isEmpty else { return }
            try? FileHandle.standardError.write(contentsOf: out)
        }
    }

    private func startWriterOnce() {
        guard !started.load(ordering: .relaxed),
            started.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        let thread = Thread { [self] in
            while true {
                _ = wake.wait(timeout: .now() + .milliseconds(Self.flushIntervalMilliseconds))
                flush()
            }
        }
        thread.name = "wasmhost-log"
        thread.start()
    }

    /// `.123`, for JSON timestamps.
    private static func milliseconds(_ value: Int) -> [UInt8] {
        [UInt8(ascii: "."), UInt8(48 + value / 100), UInt8(48 + value / 10 % 10), UInt8(48 + value % 10)]
    }
}
