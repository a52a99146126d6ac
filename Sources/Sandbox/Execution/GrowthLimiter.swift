@_spi(Fuzzing) import WasmKit

/// Caps memory and table sizes. Inside a guest, `memory.grow` past the cap
/// returns -1; at instantiation an initial size past it fails.
final class GrowthLimiter: ResourceLimiter {
    let maxMemoryBytes: Int
    let maxTableElements: Int

    init(limits: Limits) {
        maxMemoryBytes = limits.maxMemoryBytes
        maxTableElements = limits.maxTableElements
    }

    func limitMemoryGrowth(to desired: Int) throws -> Bool { desired <= maxMemoryBytes }
    func limitTableGrowth(to desired: Int) throws -> Bool { desired <= maxTableElements }
}
