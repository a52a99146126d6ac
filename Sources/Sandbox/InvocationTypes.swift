/// Finds stored modules for `host.invoke` and names them in reentrancy chains.
public protocol ModuleDirectory: Sendable {
    /// The compiled module for an id or name, or `nil` when there is none.
    func compiledModule(for ref: String) throws(SandboxError) -> CompiledModule?
    /// `LABEL` of a chain frame: the module's first name in sort order, or the
    /// first 12 characters of its id.
    func label(for id: String) -> String
}

/// WASI settings of one invocation.
public struct WASIOptions: Sendable {
    public var args: [String]?
    public var environment: [String: String]
    public var stdin: [UInt8]

    /// Creates options; `args` default to `[export name]`.
    public init(args: [String]? = nil, environment: [String: String] = [:], stdin: [UInt8] = []) {
        self.args = args
        self.environment = environment
        self.stdin = stdin
    }
}

/// One invocation to run.
public struct InvocationRequest: Sendable {
    /// The export and its arguments, checked against the module's signature.
    public var call: ExportCall
    public var input: [UInt8]
    public var limits: Limits
    public var wasi: WASIOptions
    /// When the deadline's clock started (monotonic nanoseconds): the request's
    /// arrival, so that time spent waiting for a worker counts.
    public var receivedAt: UInt64

    /// Creates a request for a checked call.
    public init(
        _ call: ExportCall, input: [UInt8] = [], limits: Limits, wasi: WASIOptions = .init(),
        receivedAt: UInt64 = InvocationRequest.now()
    ) {
        self.call = call
        self.input = input
        self.limits = limits
        self.wasi = wasi
        self.receivedAt = receivedAt
    }

    /// The export called.
    public var export: String { call.target.export }
    /// Its arguments, one per parameter.
    public var arguments: [WasmValue] { call.arguments }

    /// The monotonic clock the deadline uses, in nanoseconds.
    public static func now() -> UInt64 { Watchdog.now() }
}

/// What a finished invocation produced. Optional members are `nil` when the
/// guest did not use the matching interface.
public struct InvocationResult: Sendable {
    public var results: [WasmValue]
    public var output: [UInt8]?
    public var logs: [String]?
    public var stdout: [UInt8]?
    public var stderr: [UInt8]?
    public var exitCode: Int32?
    public var truncated: [String]
    public var fuelUsed: UInt64
    public var durationMicroseconds: Int
    /// Host→guest crossings (`host.call`/`host.invoke`) made.
    public var crossings: Int
}

/// A failed invocation: the error plus what was measured before it.
public struct InvocationFailure: Error, Sendable {
    public let error: SandboxError
    /// What the guest wrote before it failed (no results; `exit_code` unset).
    public let partial: InvocationResult
    public var fuelUsed: UInt64 { partial.fuelUsed }
    public var durationMicroseconds: Int { partial.durationMicroseconds }
    public var crossings: Int { partial.crossings }
}
