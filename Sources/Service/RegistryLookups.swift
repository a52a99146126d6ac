import ModuleStore

extension WasmhostService {
    /// The module `ref` designates: read through from the shared registry when
    /// this replica has not seen it; `503 storage_unavailable` if that cannot be asked.
    func lookUp(_ ref: String) throws(APIError) -> ModuleRecord {
        let found: ModuleRecord?
        do { found = try store.resolve(ref) } catch { throw APIError(error) }
        guard let found else { throw APIError(.moduleNotFound, "no module with id or name '\(ref.prefix(200))'") }
        return found
    }

    /// Every module; with the shared registry, as the database holds them now.
    func listed() throws(APIError) -> [ModuleRecord] {
        do { return try store.list() } catch { throw APIError(error) }
    }

    /// Why a known module could not be described: the registry is away, or the module just went.
    func unavailableOrNotFound(_ ref: String) -> APIError {
        store.reachability == .unreachable
            ? APIError(StoreError.unavailable("the module registry cannot be reached to load this module"))
            : APIError(.moduleNotFound, "no module with id or name '\(ref.prefix(200))'")
    }
}
