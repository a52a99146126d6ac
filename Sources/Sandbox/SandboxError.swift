/// Why the reentrancy guard stopped an invocation.
public enum LoopReason: String, Sendable {
    /// A frame equal to one still on the chain was entered again.
    case repeatedFrame = "repeat"
    /// The chain grew past `limits.max_reentrancy_depth` (or the native stack ran low).
    case depth
}

/// Every failure the Sandbox reports. Details are client-safe (no host paths,
/// addresses or Swift stack traces), except ``internal(_:)``'s cause.
public enum SandboxError: Error, Sendable, Equatable {
    /// Wasm bytes that do not decode or validate.
    case invalidModule(String)
    /// WAT text that does not assemble.
    case invalidWAT(String)
    /// An import this host does not provide.
    case unknownImport(String)
    /// A kind of binary this engine cannot run (a component on WasmKit).
    case unsupportedModule(String)
    /// A provided import used with another type or kind.
    case importTypeMismatch(String)
    /// The module needs more than a configured limit (e.g. initial memory).
    case limitExceeded(String)
    /// The guest trapped.
    case trap(detail: String, backtrace: [String])
    /// The fuel budget ran out.
    case fuelExhausted(limit: UInt64)
    /// The wall-clock deadline passed.
    case timeout(milliseconds: Int)
    /// The reentrancy guard stopped a loop.
    case reentrancyLoop(reason: LoopReason, chain: [String])
    /// No export of that name.
    case exportNotFound(name: String, functions: [String])
    /// The export is not a function.
    case notAFunction(name: String, kind: String)
    /// Wrong argument count or type.
    case badArgs(String)
    /// The module to run is gone.
    case moduleNotFound(String)
    /// Too many invocations are running and queued.
    case overloaded
    /// The service is draining.
    case notReady
    /// A bug in wasmhost, or an engine failure it cannot explain. The text is
    /// the underlying failure (an engine's error message, what was missing):
    /// the Service logs it and never shows it to clients.
    case `internal`(String)

    /// The trap detail of a guest that ran out of interpreter or native stack.
    public static let callStackExhausted = "call stack exhausted"

    /// True for a trap of a guest that ran out of stack (a re-run on a thread
    /// with a larger stack may succeed).
    public var isCallStackExhausted: Bool {
        if case .trap(let detail, _) = self { return detail == Self.callStackExhausted }
        return false
    }
}
