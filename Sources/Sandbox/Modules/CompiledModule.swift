import WasmKit

/// A module in the form one engine runs. Only the Sandbox sees which.
enum EngineCode: Sendable {
    /// Parsed by WasmKit (translated per instance, on first call).
    case wasmKit(Module)
    #if WASMHOST_WASMTIME
    /// Compiled by Cranelift, with its imports resolved (`instance_pre`).
    case wasmtime(WasmtimeModule)
    #endif
}

/// A module parsed, validated and described once, ready to instantiate any
/// number of times. Immutable and shareable across threads.
public struct CompiledModule: Sendable {
    /// The module's id (SHA-256 of its binary).
    public let id: String
    /// Size of the binary in bytes.
    public let size: Int
    /// Exports and imports with their types.
    public let description: ModuleDescription
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

    /// Approximate memory this entry keeps alive, for the cache's byte budget:
    /// the binary and the parsed structures that reference it.
    public var costBytes: Int {
        let idleInstances = pool.map { pool in
            // Each idle instance holds its memory twice (live and snapshot) plus translated code.
            pool.maxIdle * (2 * Int(clamping: info.initialMemoryBytes.reduce(0, +)) + size * 4)
        } ?? 0
        let code: Int
        switch self.code {
        case .wasmKit: code = size * 3
        #if WASMHOST_WASMTIME
        // Machine code is typically several times the binary.
        case .wasmtime: code = size * 6
        #endif
        }
        return code + 16 * 1024 + idleInstances
    }
}

extension EngineCode {
    var isWasmKit: Bool {
        if case .wasmKit = self { return true }
        return false
    }
}
