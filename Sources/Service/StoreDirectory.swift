import ModuleStore
import Sandbox

/// The Sandbox's view of stored modules: the durable store behind the
/// compiled-module cache.
struct StoreDirectory: ModuleDirectory {
    let store: any ModuleRegistry
    let cache: ModuleCache
    let compiler: ModuleCompiler

    func compiledModule(for ref: String) throws(SandboxError) -> CompiledModule? {
        let record: ModuleRecord?
        do { record = try store.resolve(ref) } catch {
            throw .trap(detail: "host.invoke: the module registry cannot be reached to find '\(ref.prefix(200))'", backtrace: [])
        }
        guard let record else { return nil }
        return try compiled(id: record.id)
    }

    /// The compiled module `id`, parsed from the store on a cache miss.
    func compiled(id: String) throws(SandboxError) -> CompiledModule {
        try cache.module(id) { () throws(SandboxError) -> CompiledModule in
            let bytes: [UInt8]
            do throws(StoreError) {
                bytes = try store.bytes(of: id)
            } catch {
                if case .io(let detail, let cause) = error { throw .internal("reading module \(id): \(detail): \(cause)") }
                throw .moduleNotFound(id)
            }
            return try compiler.compile(binary: bytes, id: id)
        }
    }

    /// ``compiled(id:)`` for a request: a registry outage is `503 storage_unavailable`, not a missing module.
    func compiledForRequest(id: String) throws(APIError) -> CompiledModule {
        do { return try compiled(id: id) } catch {
            if case .moduleNotFound = error, store.reachability == .unreachable {
                throw APIError(StoreError.unavailable("the module registry cannot be reached to load this module"))
            }
            throw APIError(error)
        }
    }

    func label(for id: String) -> String {
        ((try? store.resolve(id)) ?? nil)?.names.first ?? String(id.prefix(12))
    }
}
