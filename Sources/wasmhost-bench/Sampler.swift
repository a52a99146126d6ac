import Glibc

/// Times one operation many times and summarises the samples.
///
/// Every iteration is timed on its own with `CLOCK_MONOTONIC` (about 20 ns of
/// overhead per sample), so the p99 shows the slow tail (allocation, page faults,
/// a preempted thread) that a mean over a loop would hide.
struct Sampler {
    /// Monotonic nanoseconds.
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// Runs `body` `warmup` times untimed, then `iterations` times timed.
    static func measure(warmup: Int, iterations: Int, _ body: () throws -> Void) rethrows -> Summary {
        Summary(try samples(warmup: warmup, iterations: iterations, body))
    }

    /// The raw samples (nanoseconds) of ``measure(warmup:iterations:_:)``.
    static func samples(warmup: Int, iterations: Int, _ body: () throws -> Void) rethrows -> [UInt64] {
        for _ in 0..<warmup { try body() }
        var samples = [UInt64](repeating: 0, count: iterations)
        for index in 0..<iterations {
            let start = now()
            try body()
            samples[index] = now() - start
        }
        return samples
    }
}

/// Median and tail of a set of timings, in microseconds.
struct Summary {
    let count: Int
    let median: Double
    let p99: Double
    let minimum: Double

    init(_ nanoseconds: [UInt64]) {
        let sorted = nanoseconds.sorted()
        count = sorted.count
        func at(_ fraction: Double) -> Double {
            guard !sorted.isEmpty else { return .nan }
            return Double(sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))]) / 1000
        }
        median = at(0.5)
        p99 = at(0.99)
        minimum = at(0)
    }
}

/// Formats microseconds: about three significant digits, in ms from 1,000 µs.
func micros(_ value: Double) -> String {
    if value.isNaN { return "n/a" }
    if value >= 1_000 { return format(value / 1000, digits: 2) + " ms" }
    if value >= 100 { return format(value, digits: 0) + " µs" }
    if value >= 10 { return format(value, digits: 1) + " µs" }
    return format(value, digits: 2) + " µs"
}

/// `value` with `digits` decimals, without Foundation's locale-dependent formatting.
func format(_ value: Double, digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if digits == 0, text.hasSuffix(".0") { text.removeLast(2) }
    if let dot = text.firstIndex(of: "."), digits > 0 {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
    }
    return text
}
