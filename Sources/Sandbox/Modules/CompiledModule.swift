import WasmKit

/// A module in the form one engine runs. Only the Sandbox sees which.
enum EngineCode: Sendable {
    /// Parsed by WasmKit (translated per instance, on first call).
    case wasmKit(Module)
    #if WASMHOST_WASMTIME
    /// Compiled by Cranelift, with its imports resolved (`instance_pre`).
    case wasmtime(WasmtimeModule)
    /// A component compiled by Cranelift, linked per invocation.
    case wasmtimeComponent(WasmtimeComponent)
    #endif
}

/// A module parsed, validated and described once, ready to instantiate any
/// number of times. Immutable and shareable across threads.
public struct CompiledModule: Sendable {
    /// The module's id (SHA-256 of its binary).
    public let id: String
    /// Size of the binary in bytes.
    public let size: Int
    /// Exports and imports with their types (empty for a component).
    public let description: ModuleDescription
    /// A component's functions with WIT types; `nil` for a core module.
    public internal(set) var component: ComponentDescription? = nil
    /// True when the module imports WASI preview 1.
    public let usesWASI: Bool
    /// True when the module imports `host.invoke`: a call may load another
    /// module from disk, so it never runs inline on an HTTP event thread.
    public let callsOtherModules: Bool
    /// The engine's form of the module; holds no per-instance state.
    let code: EngineCode
    let info: ModuleInfo
    /// Recycled instances, or nil when the module runs on a fresh instance every
    /// time (it can change tables or segments).
    public let pool: InstancePool?

    /// Approximate memory this entry keeps alive now, for the cache's byte budget.
    ///
    /// Besides the bytes, WasmKit keeps per-entity structures that outweigh them
    /// for modules with many exports, and each idle recycled instance has its own
    /// export table, memory and translated code. Measured as RSS growth per cached
    /// module in a debug build (4 modules of 20,000 exports, 360 KB each): 13 MB
    /// per module once uploaded (parsed twice, described, validated), 2 MB more
    /// per instance. The figures below follow that; idle instances are counted as
    /// they are now, so the cost grows and shrinks with the pool.
    public var costBytes: Int {
        let exports = description.exports.count
        let entities = exports + description.imports.count
        // The parsed module and, when recycled, the rewritten copy the pool instantiates.
        let parsedCopies = pool == nil ? 1 : 2
        let module = parsedCopies * (size * 3 + entities * Self.bytesPerEntity + info.functionCount * Self.bytesPerFunction)
        let idle = pool?.statistics.idle ?? 0
        // Each idle instance holds its memory twice (live and snapshot), its translated
        // code, and its own export and function tables.
        let instance = 2 * Int(clamping: info.initialMemoryBytes.reduce(0, +)) + size * 4
            + exports * Self.bytesPerInstanceExport + info.functionCount * Self.bytesPerFunction
        return 16 * 1024 + module + engineCodeBytes + idle * instance
    }

    static let bytesPerEntity = 320
    static let bytesPerFunction = 160
    static let bytesPerInstanceExport = 100

    /// Machine code the engine keeps for the whole module (WasmKit translates per
    /// instance instead, counted with the instances above).
    private var engineCodeBytes: Int {
        switch code {
        case .wasmKit: return 0
        #if WASMHOST_WASMTIME
        // Cranelift's machine code is typically several times the binary.
        case .wasmtime, .wasmtimeComponent: return size * 6
        #endif
        }
    }
}

extension EngineCode {
    var isWasmKit: Bool {
        if case .wasmKit = self { return true }
        return false
    }
}
