import Sandbox

/// What one engine did with one call, in the terms both engines must agree on.
///
/// Fuel and time are left out (the engines meter differently); a NaN result is
/// kept as its class only, because WebAssembly leaves NaN payloads and signs of
/// arithmetic results to the engine. See ``differences(from:)`` for the two
/// documented engine differences it allows.
public struct Observation: Sendable, CustomStringConvertible {
    /// `ok`, or the problem code of the failure (`trap`, `fuel_exhausted`, …).
    public var outcome: String
    /// Results (success), each as text with NaNs canonicalised.
    public var results: [String]
    /// The trap message, the loop reason and chain, or the refused detail.
    public var detail: String
    /// A trap's backtrace (function names, innermost first).
    public var backtrace: [String] = []
    public var output: [UInt8]?
    public var logs: [String]?
    public var stdout: [UInt8]?
    public var stderr: [UInt8]?
    public var exitCode: Int32?
    public var truncated: [String]
    public var crossings: Int

    /// An observation of a module that was refused at upload.
    public init(refused error: SandboxError) {
        outcome = Self.code(of: error)
        results = []
        detail = ""
        truncated = []
        crossings = 0
    }

    /// An observation of an invocation's result.
    public init(_ result: Result<InvocationResult, InvocationFailure>) {
        let streams: InvocationResult
        switch result {
        case .success(let value):
            outcome = "ok"
            results = value.results.map(Self.text)
            detail = ""
            streams = value
        case .failure(let failure):
            outcome = Self.code(of: failure.error)
            results = []
            detail = Self.detail(of: failure.error)
            if case .trap(_, let frames) = failure.error { backtrace = frames }
            streams = failure.partial
        }
        output = streams.output
        logs = streams.logs
        stdout = streams.stdout
        stderr = streams.stderr
        exitCode = streams.exitCode
        truncated = streams.truncated.sorted()
        crossings = streams.crossings
        // How far a guest got before its budget or its stack ran out depends on
        // how each engine meters and lays out frames: only the kind is compared.
        if case .failure(let failure) = result, Self.budgetDependent(failure.error) {
            output = nil
            logs = nil
            stdout = nil
            stderr = nil
            truncated = []
            crossings = 0
            backtrace = []
        }
    }

    /// True for failures whose partial output depends on the engine's fuel scale or frame sizes.
    static func budgetDependent(_ error: SandboxError) -> Bool {
        switch error {
        case .fuelExhausted, .timeout: return true
        default: return error.isCallStackExhausted
        }
    }

    /// The API's problem code of a Sandbox error (API.md's table).
    public static func code(of error: SandboxError) -> String {
        switch error {
        case .invalidModule: "invalid_module"
        case .invalidWAT: "invalid_wat"
        case .unsupportedModule: "unsupported_module"
        case .unknownImport: "unknown_import"
        case .importTypeMismatch: "import_type_mismatch"
        case .limitExceeded: "limit_exceeded"
        case .trap: "trap"
        case .fuelExhausted: "fuel_exhausted"
        case .timeout: "timeout"
        case .reentrancyLoop: "reentrancy_loop"
        case .exportNotFound: "export_not_found"
        case .notAFunction: "not_a_function"
        case .badArgs: "bad_args"
        case .moduleNotFound: "module_not_found"
        case .overloaded: "overloaded"
        case .notReady: "not_ready"
        case .internal: "internal"
        }
    }

    /// The part of a failure both engines must report the same way.
    static func detail(of error: SandboxError) -> String {
        switch error {
        case .trap(let detail, _):
            return detail
        case .reentrancyLoop(let reason, let chain):
            return reason.rawValue + ": " + chain.joined(separator: " -> ")
        case .limitExceeded(let detail), .badArgs(let detail): return detail
        case .exportNotFound(let name, _), .notAFunction(let name, _): return name
        default: return ""
        }
    }

    /// A value as text; every NaN of a type reads the same.
    static func text(_ value: WasmValue) -> String {
        switch value {
        case .f32(let bits) where Float(bitPattern: bits).isNaN: "f32:nan"
        case .f64(let bits) where Double(bitPattern: bits).isNaN: "f64:nan"
        case .f32(let bits): "f32:0x" + String(bits, radix: 16)
        case .f64(let bits): "f64:0x" + String(bits, radix: 16)
        default: "\(value.type):\(value.label)"
        }
    }

    /// True when the two engines agree on this call (see ``differences(from:)``).
    public func agrees(with other: Observation) -> Bool { differences(from: other).isEmpty }

    /// The members that differ from `other`, each as `name: mine ≠ theirs`.
    ///
    /// Two engine differences are allowed (README, "Where the engines differ"):
    /// a trap's message may extend the other's with what only that engine knows
    /// (WasmKit adds the table element's index or the mismatched function types
    /// to a table trap; Wasmtime's trap codes carry neither), and backtraces are
    /// compared only when no host crossing was made (below a `host.call` or
    /// `host.invoke`, each engine shows a different part of the chain).
    public func differences(from other: Observation) -> [String] {
        var found: [String] = []
        func check<T: Equatable>(_ name: String, _ mine: T, _ theirs: T) {
            if mine != theirs { found.append("\(name): \(Self.short(mine)) ≠ \(Self.short(theirs))") }
        }
        check("outcome", outcome, other.outcome)
        check("results", results, other.results)
        if outcome == "trap" && other.outcome == "trap" {
            if !(detail.hasPrefix(other.detail) || other.detail.hasPrefix(detail))
                || TrapLabel.label(for: detail) != TrapLabel.label(for: other.detail)
            {
                check("detail", detail, other.detail)
            }
            if crossings == 0 && other.crossings == 0 { check("backtrace", backtrace, other.backtrace) }
        } else {
            check("detail", detail, other.detail)
        }
        check("output", output, other.output)
        check("logs", logs, other.logs)
        check("stdout", stdout.map { String(decoding: $0, as: UTF8.self) }, other.stdout.map { String(decoding: $0, as: UTF8.self) })
        check("stderr", stderr.map { String(decoding: $0, as: UTF8.self) }, other.stderr.map { String(decoding: $0, as: UTF8.self) })
        check("exit_code", exitCode, other.exitCode)
        check("truncated", truncated, other.truncated)
        check("crossings", crossings, other.crossings)
        return found
    }

    public var description: String {
        var text = outcome
        if !results.isEmpty { text += " " + results.joined(separator: ",") }
        if !detail.isEmpty { text += " (" + detail + ")" }
        if !backtrace.isEmpty { text += " at " + backtrace.joined(separator: " < ") }
        return text
    }

    private static func short<T>(_ value: T) -> String {
        let text = "\(value)"
        return text.count > 160 ? String(text.prefix(157)) + "..." : text
    }
}
