import ModuleStore

/// What one replica knows of the registry: module records and the name map.
///
/// Filled at start and on every resync, kept current by the listener's
/// notifications and by this replica's own writes, and completed by
/// reads-through for anything not yet seen. Values, no locking: the store
/// keeps it inside a mutex.
struct RegistryIndex: Sendable {
    private(set) var modules: [String: ModuleRecord] = [:]
    private(set) var names: [String: String] = [:]
    private(set) var totalBytes = 0

    /// The record `ref` designates, if known.
    func resolve(_ ref: String) -> ModuleRecord? {
        if let record = modules[ref] { return record }
        return names[ref].flatMap { modules[$0] }
    }

    /// Sets module `record.id` to `record` (with its names), or removes module `id`.
    mutating func apply(module id: String, _ record: ModuleRecord?) {
        if let old = modules.removeValue(forKey: id) {
            totalBytes -= old.size
            for name in old.names where names[name] == id { names[name] = nil }
        }
        guard let record else { return }
        modules[id] = ModuleRecord(
            id: id, size: record.size, createdAt: record.createdAt, names: [], description: record.description)
        totalBytes += record.size
        for name in record.names { apply(name: name, pointingAt: id) }
    }

    /// Points `name` at `id`, or removes it when `id` is nil.
    mutating func apply(name: String, pointingAt id: String?) {
        if let previous = names[name] { modules[previous]?.names.removeAll { $0 == name } }
        names[name] = nil
        guard let id, modules[id] != nil else { return }
        names[name] = id
        modules[id]?.names.append(name)
        modules[id]?.names.sort()
    }
}
