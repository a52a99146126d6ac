/// Per-invocation limits. Configured server-wide; a request may only lower `fuel` and `timeout`.
public struct Limits: Sendable, Equatable {
    /// Fuel budget (about one unit per executed operator).
    public var fuel: UInt64
    /// Wall-clock deadline in milliseconds.
    public var timeoutMilliseconds: Int
    /// Largest linear memory (per memory) in bytes.
    public var maxMemoryBytes: Int
    /// Largest table, in elements.
    public var maxTableElements: Int
    /// Cap of each captured stream (output, logs, stdout, stderr), in bytes.
    public var maxOutputBytes: Int
    /// Deepest chain of guest entries (root included).
    public var maxReentrancyDepth: Int

    /// Creates limits with the documented defaults.
    public init(
        fuel: UInt64 = 100_000_000, timeoutMilliseconds: Int = 5_000,
        maxMemoryBytes: Int = 64 << 20, maxTableElements: Int = 100_000,
        maxOutputBytes: Int = 1 << 20, maxReentrancyDepth: Int = 64
    ) {
        self.fuel = fuel
        self.timeoutMilliseconds = timeoutMilliseconds
        self.maxMemoryBytes = maxMemoryBytes
        self.maxTableElements = maxTableElements
        self.maxOutputBytes = maxOutputBytes
        self.maxReentrancyDepth = maxReentrancyDepth
    }

    /// These limits with a request's lower fuel and timeout applied (higher values are clamped).
    public func lowered(fuel requestedFuel: UInt64?, timeoutMilliseconds requestedTimeout: Int?) -> Limits {
        var limits = self
        if let requestedFuel { limits.fuel = min(fuel, requestedFuel) }
        if let requestedTimeout { limits.timeoutMilliseconds = max(0, min(timeoutMilliseconds, requestedTimeout)) }
        return limits
    }
}
