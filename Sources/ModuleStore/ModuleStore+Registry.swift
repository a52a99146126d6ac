/// The directory store is the embedded backend: one process owns it, so
/// nothing is ever removed behind its back and it is always reachable.
extension ModuleStore: ModuleRegistry {
    public var reachability: StoreReachability { .ok }

    public func onModuleRemoved(_ handler: @escaping @Sendable (String) -> Void) {}
}

/// The embedded default backend's name in the v1.1 design.
public typealias DirectoryStore = ModuleStore
