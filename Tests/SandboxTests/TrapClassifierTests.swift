import Testing
import WAT
@_spi(Fuzzing) import WasmKit
@testable import Sandbox

/// Pins the wording of WasmKit 0.4.2's traps, which `TrapClassifier` recognises by text:
/// real guests run through `Invoker`, and real `Trap.description`s go through the classifier.
@Suite(.timeLimit(.minutes(3)))
struct TrapClassifierTests {
    static let guests = """
        (module
          (memory (export "memory") 1)
          (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
          (func (export "overflow") (result i32) (i32.div_s (i32.const -2147483648) (i32.const -1)))
          (func (export "unreachable") unreachable)
          (func (export "oob") (result i32) (i32.load (i32.const 65535)))
          (func (export "convert") (result i32) (i32.trunc_f32_s (f32.const nan)))
          (func $forever (export "forever") (call $forever))
          (func (export "spin") (loop (br 0)))
          (func $down (export "down") (param i32) (result i32)
            (if (result i32) (i32.eqz (local.get 0))
              (then unreachable)
              (else (call $down (i32.sub (local.get 0) (i32.const 1)))))))
        """

    /// A plain metered engine with software bounds checks (no signal handlers).
    static let engine = Engine(configuration: EngineConfiguration(memoryBoundsChecking: .software, fuelMetering: true))

    @Test(arguments: [
        ("div", [WasmValue.i32(1), .i32(0)], "integer divide by zero"),
        ("overflow", [], "integer overflow"),
        ("unreachable", [], "unreachable"),
        ("oob", [], "out of bounds memory access"),
        ("convert", [], "invalid conversion to integer"),
    ])
    func guestTrapsCarryWasmKitsWording(export: String, arguments: [WasmValue], detail: String) throws {
        let module = try Fixtures.compile(Self.guests)
        let error = Runner.failure(module, export, arguments)
        guard case .trap(let actual, _)? = error else {
            Issue.record("expected a trap, got \(String(describing: error))")
            return
        }
        #expect(actual == detail)
        #expect(TrapLabel.label(for: actual) != "other")
    }

    @Test func unboundedGuestRecursionIsCallStackExhaustedWithACappedBacktrace() throws {
        let module = try Fixtures.compile(Self.guests)
        guard case .trap(let detail, let backtrace)? = Runner.failure(module, "forever") else {
            Issue.record("expected a trap")
            return
        }
        #expect(detail == "call stack exhausted")
        #expect(backtrace.count <= TrapClassifier.maxBacktraceFrames)
        #expect(backtrace.first == "forever")
    }

    @Test func aTrapTenThousandFramesDeepKeepsOnly32NamedFrames() throws {
        let module = try Fixtures.compile(Self.guests)
        // The default 512 KiB interpreter stack holds fewer frames; give this guest room.
        let result = Runner.invoke(module, "down", [.i32(10_000)], interpreterStackBytes: 16 << 20)
        guard case .failure(let failure) = result, case .trap(let detail, let backtrace) = failure.error else {
            Issue.record("expected a trap, got \(result)")
            return
        }
        #expect(detail == "unreachable")
        // Wasmtime captures at most 20 frames (its `wasm_backtrace_max_frames`, not in the C API).
        #expect(backtrace.count == (SandboxEngine.default == .wasmtime ? 20 : 32))
        #expect(backtrace.allSatisfy { $0 == "down" })
        #expect(!backtrace.contains { $0.contains("0x") })
    }

    @Test func runningOutOfFuelIsFuelExhaustedWithTheBudget() throws {
        let module = try Fixtures.compile(Self.guests)
        let result = Runner.invoke(module, "spin", limits: Sandbox.Limits(fuel: 10_000))
        guard case .failure(let failure) = result else {
            Issue.record("expected out of fuel")
            return
        }
        #expect(failure.error == .fuelExhausted(limit: 10_000))
        #expect(failure.fuelUsed == 10_000)
    }

    @Test func aStartFunctionRunsUnderTheFuelBudget() throws {
        let module = try Fixtures.compile("(module (func $s (loop (br 0))) (start $s) (func (export \"f\")))")
        #expect(Runner.failure(module, "f", limits: Sandbox.Limits(fuel: 5_000)) == .fuelExhausted(limit: 5_000))
    }

    @Test func initialMemoryOverTheLimitIsLimitExceededAtInstantiation() throws {
        let module = try Fixtures.compile("(module (memory 4) (func (export \"f\")))")
        let error = Runner.failure(module, "f", limits: Sandbox.Limits(maxMemoryBytes: 2 * 65536))
        guard case .limitExceeded(let message)? = error else {
            Issue.record("expected limitExceeded, got \(String(describing: error))")
            return
        }
        #expect(message.contains("limits.max_memory_bytes"))
    }

    @Test func wasmKitsResourceLimitTrapIsRecognised() throws {
        let binary = try wat2wasm("(module (memory 4))")
        let module = try parseWasm(bytes: binary)
        let store = Store(engine: Self.engine)
        store.resourceLimiter = GrowthLimiter(limits: Sandbox.Limits(maxMemoryBytes: 65536, maxTableElements: 10))
        do {
            _ = try module.instantiate(store: store)
            Issue.record("instantiation should have failed")
        } catch {
            let text = (error as? Trap)?.description ?? "\(error)"
            let (kind, _) = TrapClassifier.classify(text)
            guard case .initialSizeOverLimit(let message) = kind else {
                Issue.record("unrecognised wording: \(text)")
                return
            }
            #expect(message.hasPrefix("initial memory size exceeds the resource limit"))
        }
    }

    @Test func realTrapDescriptionsClassify() throws {
        let binary = try wat2wasm("""
            (module
              (func $inner (unreachable))
              (func $outer (export "outer") (call $inner))
              (func $rec (export "rec") (call $rec)))
            """, options: EncodeOptions(nameSection: true))
        let store = Store(engine: Self.engine)
        let instance = try parseWasm(bytes: binary).instantiate(store: store)
        for (export, expected) in [("outer", TrapKind.other("unreachable")), ("rec", .callStackExhausted)] {
            do {
                _ = try instance.exports[function: export]?.invoke([])
                Issue.record("\(export) should trap")
            } catch let trap as Trap {
                let (kind, backtrace) = TrapClassifier.classify(trap.description)
                #expect(kind == expected, "\(trap.description.prefix(200))")
                if export == "outer" { #expect(backtrace == ["inner", "outer"]) }
            }
        }
        store.fuel = Fuel(remaining: 100)
        do {
            _ = try instance.exports[function: "rec"]?.invoke([])
        } catch let trap as Trap {
            #expect(TrapClassifier.classify(trap.description).kind == .outOfFuel)
        }
    }

    @Test(arguments: [
        ("Trap: out of fuel", TrapKind.outOfFuel),
        ("out of fuel", .outOfFuel),
        ("Trap: call stack exhausted", .callStackExhausted),
        ("Trap: initial table size exceeds the resource limit: 20 elements", .initialSizeOverLimit(
            "initial table size exceeds the resource limit: 20 elements")),
        ("Trap: integer divide by zero", .other("integer divide by zero")),
        ("", .other("")),
    ])
    func classifyReadsTheFirstLine(text: String, kind: TrapKind) {
        #expect(TrapClassifier.classify(text).kind == kind)
    }

    @Test func classifyKeepsNamesDropsAddressesAndTheHostEntryFrame() {
        let lines = (0..<100).map { "    \($0): (0x55d1c0\($0)) f\($0)" }
        let text = (["Trap: unreachable"] + lines.prefix(3) + ["    3: (0x1) unknown"]).joined(separator: "\n")
        #expect(TrapClassifier.classify(text).backtrace == ["f0", "f1", "f2"])
        let long = (["Trap: unreachable"] + lines).joined(separator: "\n")
        #expect(TrapClassifier.classify(long).backtrace == (0..<32).map { "f\($0)" })
    }

    @Test(arguments: [("out of bounds memory access", "out_of_bounds"), ("integer divide by zero", "divide_by_zero"),
                      ("call stack exhausted", "stack_exhausted"), ("host.call: no calling instance", "host"),
                      ("something new", "other"), ("indirect call type mismatch", "indirect_call")])
    func trapLabelsAreABoundedSet(detail: String, label: String) {
        #expect(TrapLabel.label(for: detail) == label)
    }
}
