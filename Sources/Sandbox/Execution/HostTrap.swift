/// A trap raised by a host function (bad pointer, missing export, ...).
///
/// WasmKit's `Trap` cannot be created outside WasmKit. Any other error thrown
/// by a host function unwinds every guest frame and cannot be caught by wasm
/// exception handlers, which is exactly how a trap behaves.
struct HostTrap: Error, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Thrown when the reentrancy guard trips; unwinds the whole invocation the same way.
struct ReentrancyTrip: Error, Sendable {
    let reason: LoopReason
    let chain: [String]
}


/// Thrown by a host function called after the invocation's deadline; answers `timeout`.
struct DeadlinePassed: Error, Sendable {}
