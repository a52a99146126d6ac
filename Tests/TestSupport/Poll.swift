import Dispatch
import Foundation

/// Waiting for a condition instead of sleeping for a guessed time.
public enum Poll {
    /// Checks `condition` every `interval` until it holds or `seconds` pass.
    /// - Returns: whether it held in time.
    public static func until(seconds: Double, every interval: Double = 0.005, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = now() + seconds
        while true {
            if try condition() { return true }
            if now() >= deadline { return false }
            Thread.sleep(forTimeInterval: interval)
        }
    }

    /// The first value `make` gives within `seconds`, checked every `interval`.
    public static func value<Value>(seconds: Double, every interval: Double = 0.005, _ make: () throws -> Value?) rethrows -> Value? {
        var found: Value?
        _ = try until(seconds: seconds, every: interval) {
            found = try make()
            return found != nil
        }
        return found
    }

    /// Monotonic seconds.
    public static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
