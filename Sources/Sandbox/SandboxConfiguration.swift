import WasmKit
import WasmParser

/// Engine-wide settings of the sandbox.
public struct SandboxConfiguration: Sendable {
    /// Server-wide limits for every invocation.
    public var limits: Limits
    /// WasmKit interpreter stack per guest entry, in bytes.
    public var interpreterStackBytes: Int
    /// Native stack of each worker thread that runs guests, in bytes.
    public var workerStackBytes: Int
    /// Native stack kept free at every host→guest crossing; below it the guard trips.
    public var nativeStackReserveBytes: Int
    /// Reuse instances, reset to their post-instantiation state, where that is exact.
    public var recycleInstances: Bool
    /// Idle instances kept per module.
    public var poolMaxIdle: Int
    /// The engine that runs guests.
    public var engine: SandboxEngine
    /// Wasmtime: the stack one store's guest frames may use, in bytes. Each
    /// `host.invoke` enters a new store with a fresh budget, so the guard keeps
    /// this much native stack free at every crossing on top of the reserve.
    public var maxWasmStackBytes: Int
    /// Wasmtime: instance (and memory) slots of the pooling allocator, shared by
    /// every invocation running at once, `host.invoke` targets included.
    public var instanceSlots: Int
    /// Wasmtime: where compiled code is kept between restarts (`nil`: compile at every load).
    public var artifactDirectory: String?

    /// Creates a configuration with the documented defaults.
    public init(
        limits: Limits = Limits(), interpreterStackBytes: Int = 512 << 10,
        workerStackBytes: Int = 8 << 20, nativeStackReserveBytes: Int = 256 << 10,
        recycleInstances: Bool = true, poolMaxIdle: Int = 8, engine: SandboxEngine = .default,
        maxWasmStackBytes: Int = 2 << 20, instanceSlots: Int = 1000
    ) {
        self.engine = engine
        self.maxWasmStackBytes = maxWasmStackBytes
        self.instanceSlots = instanceSlots
        self.recycleInstances = recycleInstances
        self.poolMaxIdle = poolMaxIdle
        self.limits = limits
        self.interpreterStackBytes = interpreterStackBytes
        self.workerStackBytes = workerStackBytes
        self.nativeStackReserveBytes = nativeStackReserveBytes
    }

    /// Native stack one host→guest crossing may use, in bytes: about 3.2 KB measured
    /// in a release build; debug builds use several times more, so budget generously.
    public static let nativeBytesPerCrossing = 24 << 10

    /// Native stack the guard keeps free at every crossing: the configured
    /// reserve, plus on Wasmtime the wasm stack a new store may use below it.
    public var effectiveStackReserveBytes: Int {
        engine == .wasmtime ? nativeStackReserveBytes + maxWasmStackBytes : nativeStackReserveBytes
    }

    /// Checks that the deepest allowed chain fits the worker stack.
    /// - Returns: a message naming the keys when it cannot fit.
    public func stackBudgetProblem() -> String? {
        // host.call nests inside one Wasmtime store, whose wasm stack budget counts
        // the host frames of every crossing: the guard's depth must trip first.
        if engine == .wasmtime && limits.maxReentrancyDepth * Self.nativeBytesPerCrossing > maxWasmStackBytes {
            return "limits.max_reentrancy_depth \(limits.maxReentrancyDepth) needs about "
                + "\(limits.maxReentrancyDepth * Self.nativeBytesPerCrossing) bytes of wasm stack on Wasmtime "
                + "(\(Self.nativeBytesPerCrossing) per crossing), but sandbox.max_wasm_stack_bytes is \(maxWasmStackBytes) "
                + "(raise it, and sandbox.worker_stack_bytes with it)"
        }
        let needed = limits.maxReentrancyDepth * Self.nativeBytesPerCrossing + effectiveStackReserveBytes
        guard needed > workerStackBytes else { return nil }
        let wasmStack = engine == .wasmtime ? " and sandbox.max_wasm_stack_bytes \(maxWasmStackBytes)" : ""
        return "limits.max_reentrancy_depth \(limits.maxReentrancyDepth) needs about \(needed) bytes of native stack "
            + "(\(Self.nativeBytesPerCrossing) per crossing plus \(nativeStackReserveBytes) reserve\(wasmStack)), "
            + "but sandbox.worker_stack_bytes is \(workerStackBytes)"
    }

    /// Checks the settings the engine itself would refuse, some by aborting the
    /// process (Wasmtime panics on a bad configuration): call before any guest runs.
    /// - Returns: a message naming the key, or `nil` when the engine can start.
    public func engineProblem() -> String? {
        guard SandboxEngine.available.contains(engine) else {
            return "sandbox.engine \(engine.rawValue) is not in this build (built with: "
                + SandboxEngine.available.map(\.rawValue).joined(separator: ", ") + ")"
        }
        guard engine == .wasmtime else { return nil }
        if maxWasmStackBytes < 64 << 10 || maxWasmStackBytes > Self.maxWasmStackCeiling {
            return "sandbox.max_wasm_stack_bytes must be between 65536 and \(Self.maxWasmStackCeiling)"
        }
        if maxWasmStackBytes + nativeStackReserveBytes >= workerStackBytes {
            return "sandbox.max_wasm_stack_bytes plus sandbox.native_stack_reserve_bytes must be below sandbox.worker_stack_bytes"
        }
        if instanceSlots < 1 || instanceSlots > 100_000 {
            return "sandbox.instance_slots must be between 1 and 100000"
        }
        if limits.maxMemoryBytes > 4 << 30 { return "limits.max_memory_bytes must be at most 4 GiB" }
        #if WASMHOST_WASMTIME
        if let problem = WasmtimeEngine.startProblem(for: self) { return problem }
        #endif
        return nil
    }

    /// Largest `sandbox.max_wasm_stack_bytes` (the engine keeps its async stack
    /// above it: Wasmtime aborts on a wasm stack larger than that).
    public static let maxWasmStackCeiling = 256 << 20

    /// The WebAssembly features accepted: Wasm 2.0 (SIMD, reference types,
    /// bulk memory, multi-value) plus tail calls and exception handling.
    static let features: WasmFeatureSet = [.referenceTypes, .exceptionHandling, .simd, .tailCall]

    /// The engine that runs guests: fuel metered, software bounds checks (no
    /// per-call signal-mask syscall, no 4 GiB reservation, no SIGSEGV handler).
    func makeEngine(compilation: EngineConfiguration.CompilationMode = .lazy) -> Engine {
        Engine(configuration: EngineConfiguration(
            compilationMode: compilation, stackSize: interpreterStackBytes,
            features: Self.features, memoryBoundsChecking: .software, fuelMetering: true))
    }
}
