/// Finds stored modules for `host.invoke` and names them in reentrancy chains.
public protocol ModuleDirectory: Sendable {
    /// The compiled module for an id or name, or `nil` when there is none.
    func compiledModule(for ref: String) throws(SandboxError) -> CompiledModule?
    /// `LABEL` of a chain frame: the module's first name in sort order, or the
    /// first 12 characters of its id.
    func label(for id: String) -> String
    /// The JSON text `args` of the component host interface's `invoke`, converted
    /// for `export` of `module` by the Service's value rules.
    func arguments(json: String, for module: CompiledModule, export: String) throws(SandboxError) -> InvocationArguments
    /// The `results` array of a call made by `invoke`, as JSON text.
    func resultsJSON(_ results: InvocationValues, for module: CompiledModule, export: String) -> String
}

/// Arguments of one call: core values, or a component function's values.
public enum InvocationArguments: Sendable {
    case core([WasmValue])
    case component([ComponentValue])
}

/// Results of one call: core values, or a component function's result.
public enum InvocationValues: Sendable {
    case core([WasmValue])
    case component([ComponentValue])
}

extension ModuleDirectory {
    public func arguments(json: String, for module: CompiledModule, export: String) throws(SandboxError) -> InvocationArguments {
        throw .badArgs("this directory cannot read JSON arguments")
    }

    public func resultsJSON(_ results: InvocationValues, for module: CompiledModule, export: String) -> String { "[]" }
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
    /// The export called.
    public private(set) var export: String
    /// A core function's arguments, checked against its signature (``ExportCall``).
    public private(set) var arguments: [WasmValue]
    /// The core function's signature; `nil` for a component function.
    public private(set) var signature: FunctionSignature?
    /// The arguments of a component function (``arguments`` is then empty); the
    /// engine checks them against the function's WIT type.
    public private(set) var componentArguments: [ComponentValue] = []
    public var input: [UInt8]
    public var limits: Limits
    public var wasi: WASIOptions
    /// When the deadline's clock started (monotonic nanoseconds): the request's
    /// arrival, so that time spent waiting for a worker counts.
    public var receivedAt: UInt64

    /// Creates a request for a checked call of a core function.
    public init(
        _ call: ExportCall, input: [UInt8] = [], limits: Limits, wasi: WASIOptions = .init(),
        receivedAt: UInt64 = InvocationRequest.now()
    ) {
        self.export = call.target.export
        self.arguments = call.arguments
        self.signature = call.target.signature
        self.input = input
        self.limits = limits
        self.wasi = wasi
        self.receivedAt = receivedAt
    }

    /// Creates a request for the function `export` of a component.
    public init(
        component export: String, arguments: [ComponentValue], input: [UInt8] = [], limits: Limits,
        wasi: WASIOptions = .init(), receivedAt: UInt64 = InvocationRequest.now()
    ) {
        self.export = export
        self.arguments = []
        self.componentArguments = arguments
        self.input = input
        self.limits = limits
        self.wasi = wasi
        self.receivedAt = receivedAt
    }

    /// The monotonic clock the deadline uses, in nanoseconds.
    public static func now() -> UInt64 { Watchdog.now() }
}

/// What a finished invocation produced. Optional members are `nil` when the
/// guest did not use the matching interface.
public struct InvocationResult: Sendable {
    public var results: [WasmValue]
    /// A component function's result (at most one) with its WIT type, `nil` for core modules.
    public var componentResults: [TypedComponentValue]? = nil
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

/// A component value with the WIT type it has.
public struct TypedComponentValue: Sendable, Equatable {
    public let value: ComponentValue
    public let type: WITType

    public init(value: ComponentValue, type: WITType) {
        self.value = value
        self.type = type
    }
}
