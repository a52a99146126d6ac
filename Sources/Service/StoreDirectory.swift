import ModuleStore
import Sandbox

/// The Sandbox's view of stored modules: the durable store behind the
/// compiled-module cache.
struct StoreDirectory: ModuleDirectory {
    let store: ModuleStore
    let cache: ModuleCache
    let compiler: ModuleCompiler

    func compiledModule(for ref: String) throws(SandboxError) -> CompiledModule? {
        guard let record = store.resolve(ref) else { return nil }
        return try compiled(id: record.id)
    }

    /// The compiled module `id`, parsed from the store on a cache miss.
    func compiled(id: String) throws(SandboxError) -> CompiledModule {
        try cache.module(id) { () throws(SandboxError) -> CompiledModule in
            let bytes: [UInt8]
            do { bytes = try store.bytes(of: id) } catch { throw .moduleNotFound(id) }
            return try compiler.compile(binary: bytes, id: id)
        }
    }

    func label(for id: String) -> String {
        store.resolve(id)?.names.first ?? String(id.prefix(12))
    }
}
