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

    /// Creates a configuration with the documented defaults.
    public init(
        limits: Limits = Limits(), interpreterStackBytes: Int = 512 << 10,
        workerStackBytes: Int = 8 << 20, nativeStackReserveBytes: Int = 256 << 10,
        recycleInstances: Bool = true, poolMaxIdle: Int = 8
    ) {
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

    /// Checks that the deepest allowed chain fits the worker stack.
    /// - Returns: a message naming the keys when it cannot fit.
    public func stackBudgetProblem() -> String? {
        let needed = limits.maxReentrancyDepth * Self.nativeBytesPerCrossing + nativeStackReserveBytes
        guard needed > workerStackBytes else { return nil }
        return "limits.max_reentrancy_depth \(limits.maxReentrancyDepth) needs about \(needed) bytes of native stack "
            + "(\(Self.nativeBytesPerCrossing) per crossing plus \(nativeStackReserveBytes) reserve), "
            + "but sandbox.worker_stack_bytes is \(workerStackBytes)"
    }

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
