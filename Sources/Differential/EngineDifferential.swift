import Crypto
import Sandbox

/// Runs the same modules and calls on Wasmtime and on WasmKit through the
/// engine-neutral interface (``ModuleCompiler``, ``Invoker``) and records every
/// way they disagree: upload verdicts, results, traps by kind and message,
/// output, logs, WASI streams and exit codes, and the reentrancy guard's outcome.
///
/// Use from one thread with the worker threads' stack (guest code runs on it).
public final class EngineDifferential {
    /// One engine's compiler, invoker and modules.
    struct Side {
        let engine: SandboxEngine
        let compiler: ModuleCompiler
        let invoker: Invoker
        let directory = NamedModules()
    }

    /// The two engines, Wasmtime first.
    let sides: [Side]
    /// The limits of every call (fuel and deadline included).
    public let limits: Limits
    /// Every disagreement so far, in the order found.
    public private(set) var disagreements: [Disagreement] = []
    /// Calls compared (both engines ran them).
    public private(set) var calls = 0
    /// How the compared calls ended on Wasmtime, by problem code (`ok` for success).
    public private(set) var outcomes: [String: Int] = [:]
    /// Calls that ran out of fuel on one engine only and were run again with 16× the fuel.
    public private(set) var budgetRetries = 0
    /// Modules both engines accepted, and modules both refused.
    public private(set) var accepted = 0
    public private(set) var refused = 0
    /// Components: Wasmtime's alone (WasmKit answers `unsupported_module`), not compared.
    public private(set) var wasmtimeOnly = 0
    /// Wasmtime's fuel against WasmKit's, for calls that succeeded on both.
    public private(set) var fuel = FuelComparison()

    /// Both engines with `limits`, or `nil` in a build without Wasmtime.
    public init?(limits: Limits = Limits(fuel: 5_000_000, timeoutMilliseconds: 20_000)) {
        let engines: [SandboxEngine] = [.wasmtime, .wasmkit]
        guard engines.allSatisfy(SandboxEngine.available.contains) else { return nil }
        self.limits = limits
        sides = engines.map { engine in
            let configuration = SandboxConfiguration(limits: limits, engine: engine)
            return Side(
                engine: engine, compiler: ModuleCompiler(configuration: configuration),
                invoker: Invoker(configuration: configuration))
        }
    }

    /// A module as each engine compiled it.
    public struct Entry {
        /// Where the module came from (a path, a fixture name, a generator seed).
        public let origin: String
        /// The binary both engines compiled.
        public let binary: [UInt8]
        /// Wasmtime's and WasmKit's form, in the order of ``EngineDifferential/sides``.
        let modules: [CompiledModule]

        /// The module's function exports with their parameter types.
        public var functions: [(name: String, params: [WasmValueType])] {
            modules[0].description.exports.compactMap { export in
                if case .function(let signature) = export.entity { return (export.name, signature.params) }
                return nil
            }
        }

        /// True when the module imports WASI preview 1.
        public var usesWASI: Bool { modules[0].usesWASI }
    }

    /// Compiles `source` (WAT or binary) on both engines and registers it under
    /// its id and `names` for `host.invoke`. Returns `nil` when an engine refused
    /// it (a disagreement is recorded when only one did, or for other reasons).
    @discardableResult
    public func add(_ source: [UInt8], origin: String, names: [String] = []) -> Entry? {
        let binary: [UInt8]
        do {
            binary = try sides[0].compiler.binary(from: source)
        } catch {
            refused += 1  // WAT is assembled once, by the same assembler, for both engines.
            return nil
        }
        let id = SHA256.hash(data: binary).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        let compiled = sides.map { side in
            Result { () throws(SandboxError) in try side.compiler.compile(binary: binary, id: id) }
        }
        let verdicts = compiled.map { result in
            switch result {
            case .success: Observation(outcome: "accepted")
            case .failure(let error): Observation(refused: error)
            }
        }
        // Components run on Wasmtime only: WasmKit refuses them as documented (API.md).
        if Self.isComponent(binary) && verdicts[1].outcome == "unsupported_module" {
            wasmtimeOnly += 1
            return nil
        }
        if !verdicts[0].agrees(with: verdicts[1]) {
            record(origin: origin, call: "upload", binary: binary, verdicts)
            return nil
        }
        guard case .success(let wasmtime) = compiled[0], case .success(let wasmKit) = compiled[1] else {
            refused += 1
            return nil
        }
        accepted += 1
        for (side, module) in zip(sides, [wasmtime, wasmKit]) { side.directory.add(module, names: names) }
        return Entry(origin: origin, binary: binary, modules: [wasmtime, wasmKit])
    }

    /// True for a component binary (version 0x0d, layer 1) rather than a core module.
    static func isComponent(_ binary: [UInt8]) -> Bool {
        binary.count >= 8 && ModuleCompiler.isBinary(binary) && binary[4..<8] != [1, 0, 0, 0]
    }

    /// Runs `call` on both engines and records a disagreement when they differ.
    /// - Returns: the two observations (Wasmtime's first).
    @discardableResult
    public func compare(_ entry: Entry, _ call: Call) -> [Observation] {
        var (runs, observed) = run(entry, call, limits: limits)
        // Fuel is metered on each engine's own scale: a call that ran out on one
        // engine only is run again with a budget far from its boundary.
        if !observed[0].agrees(with: observed[1]) && observed.contains(where: { $0.outcome == "fuel_exhausted" }) {
            var larger = limits
            larger.fuel = limits.fuel.multipliedReportingOverflow(by: 16).partialValue
            (runs, observed) = run(entry, call, limits: larger)
            budgetRetries += 1
        }
        calls += 1
        outcomes[observed[0].outcome, default: 0] += 1
        if runs.count == 2, case .success(let fast) = runs[0], case .success(let slow) = runs[1] {
            fuel.add(wasmtime: fast.fuelUsed, wasmKit: slow.fuelUsed, call: "\(entry.origin): \(call)")
        }
        if !observed[0].agrees(with: observed[1]) {
            record(origin: entry.origin, call: call.description, binary: entry.binary, observed)
        }
        return observed
    }

    private func run(_ entry: Entry, _ call: Call, limits: Limits)
        -> ([Result<InvocationResult, InvocationFailure>], [Observation])
    {
        let request: InvocationRequest
        do {
            // The export and arguments are checked before either engine runs, the same way for both.
            let checked = try ExportCall(export: call.export, arguments: call.arguments, in: entry.modules[0].description)
            request = InvocationRequest(checked, input: call.input, limits: limits, wasi: call.wasi)
        } catch {
            let refused = Observation(refused: error)
            return ([], [refused, refused])
        }
        let runs = zip(sides, entry.modules).map { side, module in
            side.invoker.run(request, module: module, directory: side.directory)
        }
        return (runs, runs.map(Observation.init))
    }

    /// Every function export (up to `maxExports`) with zeros and with ones, then `extra`.
    public func compareExports(_ entry: Entry, extra: [Call] = [], maxExports: Int = 12, input: [UInt8] = Array("hello".utf8)) {
        var planned: [Call] = []
        for function in entry.functions.prefix(maxExports) {
            for filler in [Call.zero, Call.one] {
                planned.append(Call(
                    export: function.name, arguments: function.params.map(filler), input: input,
                    wasi: WASIOptions(environment: ["WASMHOST_DIFF": "1"], stdin: Array("stdin line\n".utf8))))
            }
        }
        for call in planned + extra { compare(entry, call) }
    }

    /// What was compared so far, as a value another thread can read.
    public var summary: DifferentialSummary {
        DifferentialSummary(
            disagreements: disagreements, calls: calls, outcomes: outcomes, budgetRetries: budgetRetries, accepted: accepted,
            refused: refused, wasmtimeOnly: wasmtimeOnly, fuel: fuel)
    }

    private func record(origin: String, call: String, binary: [UInt8], _ observed: [Observation]) {
        disagreements.append(Disagreement(
            origin: origin, call: call, wasmtime: observed[0], wasmKit: observed[1], binary: binary))
    }
}

extension Observation {
    /// A bare outcome (an upload verdict).
    init(outcome: String) {
        self.init(refused: .internal(""))
        self.outcome = outcome
    }
}

/// The counts and findings of an ``EngineDifferential`` run.
public struct DifferentialSummary: Sendable, CustomStringConvertible {
    public let disagreements: [Disagreement]
    public let calls: Int
    public let outcomes: [String: Int]
    public let budgetRetries: Int
    public let accepted: Int
    public let refused: Int
    public let wasmtimeOnly: Int
    public let fuel: FuelComparison

    public var description: String {
        "\(accepted) modules accepted and \(refused) refused by both engines (\(wasmtimeOnly) components: Wasmtime only), "
            + "\(calls) calls compared "
            + "(\(outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")); "
            + "\(budgetRetries) again with 16× the fuel), "
            + "\(disagreements.count) disagreements; \(fuel)"
    }
}

/// One call: an export, its arguments, and what the guest can read.
public struct Call: Sendable, CustomStringConvertible {
    public var export: String
    public var arguments: [WasmValue]
    public var input: [UInt8]
    public var wasi: WASIOptions

    public init(export: String, arguments: [WasmValue], input: [UInt8] = [], wasi: WASIOptions = .init()) {
        self.export = export
        self.arguments = arguments
        self.input = input
        self.wasi = wasi
    }

    public var description: String { "\(export)(\(arguments.map(\.label).joined(separator: ", ")))" }

    /// The zero of a type (null for references).
    public static func zero(_ type: WasmValueType) -> WasmValue {
        switch type {
        case .i32: .i32(0)
        case .i64: .i64(0)
        case .f32: .f32(0)
        case .f64: .f64(0)
        case .v128: .v128([UInt8](repeating: 0, count: 16))
        case .funcref, .externref, .otherRef: .ref(type, nil)
        }
    }

    /// One of a type (1.0 for floats, lane 0 set for v128, null for references).
    public static func one(_ type: WasmValueType) -> WasmValue {
        switch type {
        case .i32: .i32(1)
        case .i64: .i64(1)
        case .f32: .f32(Float(1).bitPattern)
        case .f64: .f64(Double(1).bitPattern)
        case .v128: .v128([1] + [UInt8](repeating: 0, count: 15))
        case .funcref, .externref, .otherRef: .ref(type, nil)
        }
    }
}

/// Two engines answering one call differently.
public struct Disagreement: Sendable, CustomStringConvertible {
    public let origin: String
    /// `upload`, or the call as `export(args)`.
    public let call: String
    public let wasmtime: Observation
    public let wasmKit: Observation
    /// The module's binary, to reproduce it.
    public let binary: [UInt8]

    public var description: String {
        "\(origin): \(call): " + wasmtime.differences(from: wasmKit).joined(separator: "; ")
            + " [wasmtime: \(wasmtime); wasmkit: \(wasmKit)]"
    }
}

/// How Wasmtime's fuel compares with WasmKit's for the same successful calls.
public struct FuelComparison: Sendable, CustomStringConvertible {
    /// Wasmtime fuel / WasmKit fuel, per call where WasmKit used some.
    public private(set) var ratios: [Double] = []
    public private(set) var wasmtimeTotal: UInt64 = 0
    public private(set) var wasmKitTotal: UInt64 = 0
    /// The calls with the lowest and the highest ratio, with their fuel.
    public private(set) var lowest: (ratio: Double, call: String)?
    public private(set) var highest: (ratio: Double, call: String)?

    mutating func add(wasmtime: UInt64, wasmKit: UInt64, call: String) {
        wasmtimeTotal += wasmtime
        wasmKitTotal += wasmKit
        guard wasmKit > 0 else { return }
        let ratio = Double(wasmtime) / Double(wasmKit)
        ratios.append(ratio)
        let label = "\(call) \(wasmtime)/\(wasmKit)"
        if ratio < lowest?.ratio ?? .infinity { lowest = (ratio, label) }
        if ratio > highest?.ratio ?? -.infinity { highest = (ratio, label) }
    }

    public var description: String {
        let sorted = ratios.sorted()
        guard let low = sorted.first, let high = sorted.last else { return "no call used fuel on both engines" }
        let median = sorted[sorted.count / 2]
        let total = wasmKitTotal == 0 ? 0 : Double(wasmtimeTotal) / Double(wasmKitTotal)
        return "Wasmtime fuel / WasmKit fuel over \(sorted.count) calls: median \(Self.format(median)), "
            + "min \(Self.format(low)), max \(Self.format(high)), total \(Self.format(total)) "
            + "(\(wasmtimeTotal) / \(wasmKitTotal)); lowest \(lowest?.call ?? "-"), highest \(highest?.call ?? "-")"
    }

    private static func format(_ value: Double) -> String {
        String(Double((value * 100).rounded()) / 100)
    }
}
