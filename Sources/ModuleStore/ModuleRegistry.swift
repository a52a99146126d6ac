/// Where modules and their names live: the embedded directory store
/// (``ModuleStore``) or a registry shared by replicas (`PostgresStore`).
///
/// Every call is blocking and runs on the control or worker pools, never on
/// Swift concurrency's cooperative pool. Caches of compiled code live above
/// the registry and learn of removals through ``onModuleRemoved(_:)``.
public protocol ModuleRegistry: Sendable {
    /// Stores `bytes` (already validated) and, with `name`, points the name at it.
    /// Returns only once the module is durable.
    func put(_ bytes: [UInt8], name: String?) throws(StoreError) -> PutResult
    /// Stores `bytes` with `description`, the service's description of them (a JSON
    /// object, opaque to the store), which ``ModuleRecord/description`` then carries.
    /// A backend that does not keep descriptions stores the bytes alone.
    func put(_ bytes: [UInt8], name: String?, description: [UInt8]?) throws(StoreError) -> PutResult
    /// The module that `ref` (an id or a name) designates, or `nil` when there is none.
    func resolve(_ ref: String) throws(StoreError) -> ModuleRecord?
    /// Every module, oldest first (ties broken by id).
    func list() throws(StoreError) -> [ModuleRecord]
    /// The binary bytes of module `id`.
    func bytes(of id: String) throws(StoreError) -> [UInt8]
    /// Deletes the module that `ref` designates and all its names.
    @discardableResult
    func delete(_ ref: String) throws(StoreError) -> ModuleRecord
    /// Number of modules and their total size in bytes, as this process knows them.
    var totals: (count: Int, bytes: Int) { get }
    /// Whether the backing storage answers right now.
    var reachability: StoreReachability { get }
    /// Registers `handler`, called with the id of a module removed by another
    /// process (a replica's delete), so caches above can drop it.
    func onModuleRemoved(_ handler: @escaping @Sendable (String) -> Void)
}

extension ModuleRegistry {
    /// Stores the bytes without their description (the service then describes
    /// such modules from their compiled form, off the event threads).
    public func put(_ bytes: [UInt8], name: String?, description: [UInt8]?) throws(StoreError) -> PutResult {
        try put(bytes, name: name)
    }
}

/// The state `/readyz` and the `wasmhost_store_reachable` gauge report.
public enum StoreReachability: String, Sendable {
    /// The store answers.
    case ok
    /// The shared registry cannot be reached; known modules still run.
    case unreachable
}
