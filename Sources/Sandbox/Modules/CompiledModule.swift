import WasmKit

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
    /// Parsed WasmKit module; holds no per-instance state.
    let module: Module
    let info: ModuleInfo
    /// Recycled instances, or nil when the module runs on a fresh instance every
    /// time (it can change tables or segments).
    public let pool: InstancePool?

    /// Approximate memory this entry keeps alive, for the cache's byte budget.
    ///
    /// Besides the bytes, WasmKit keeps per-entity structures that can outweigh
    /// them: a module with 100,000 exports of one function is 1.7 MB of binary
    /// but tens of MB once parsed, described and instantiated (each instance has
    /// its own export table). The per-entity figures below were measured as RSS
    /// growth per cached module (scripts/reliability/hostile_store.py), so the
    /// budget follows what the process really holds.
    public var costBytes: Int {
        let exports = description.exports.count
        let entities = exports + description.imports.count
        // Parsed module, description, and (when recycled) the rewritten copy.
        let parsedCopies = pool == nil ? 1 : 2
        let module = parsedCopies * (size * 3 + entities * Self.bytesPerEntity + info.functionCount * Self.bytesPerFunction)
        let idleInstances = pool.map { pool in
            // Each idle instance holds its memory twice (live and snapshot), translated
            // code, and its own export and function tables.
            pool.maxIdle * (2 * Int(clamping: info.initialMemoryBytes.reduce(0, +)) + size * 4
                + exports * Self.bytesPerInstanceExport + info.functionCount * Self.bytesPerFunction)
        } ?? 0
        return 16 * 1024 + module + idleInstances
    }

    static let bytesPerEntity = 400
    static let bytesPerFunction = 160
    static let bytesPerInstanceExport = 160
}
