import Foundation
import Logging
import ModuleStore
import Synchronization

/// The module registry shared by replicas, in PostgreSQL (libpq).
///
/// Bytes and names live in two tables (``Schema``). Each replica keeps the
/// name map and module records in memory (``RegistryIndex``); a name or id it
/// does not know yet is read through from the database, and a
/// ``ChangeListener`` thread applies other replicas' changes, announced with
/// `NOTIFY`, within milliseconds.
public final class PostgresStore: ModuleRegistry {
    struct State: Sendable {
        var index = RegistryIndex()
        /// Counts what the listener applied. A read that began at generation `g`
        /// may be older than the index for any id or name changed after `g`.
        var generation: UInt64 = 0
        /// The generation at which each id or name was last changed by the listener.
        var changedAt: [String: UInt64] = [:]
        /// Reads that began before this generation are treated as stale for every
        /// key (`changedAt` is cleared when it grows large, and on a resync).
        var floor: UInt64 = 0

        /// Records that the listener changed `keys` (ids and names).
        mutating func listenerChanged(_ keys: [String]) {
            generation += 1
            if changedAt.count > 10_000 {
                changedAt.removeAll(keepingCapacity: true)
                floor = generation
            }
            for key in keys { changedAt[key] = generation }
        }

        /// Whether a read that began at `started` may still be installed for
        /// `record`: none of its keys, nor the names the index now gives it, changed since.
        func isCurrent(_ record: ModuleRecord, readAt started: UInt64) -> Bool {
            guard started >= floor else { return false }
            let held = index.modules[record.id]?.names ?? []
            return ([record.id] + record.names + held).allSatisfy { (changedAt[$0] ?? 0) <= started }
        }
    }

    let configuration: PostgresConfiguration
    let logger: Logger
    let pool: ConnectionPool
    let state = Mutex(State())
    let reachable = ReachabilityFlag()
    let removalHandlers = Mutex<[@Sendable (String) -> Void]>([])
    private let listener = Mutex<ChangeListener?>(nil)

    /// Connects, creates or migrates the schema, loads every name and starts the listener.
    /// - Throws: ``StoreError/unavailable(_:)`` when the database cannot be reached.
    public init(configuration: PostgresConfiguration, logger: Logger) throws(StoreError) {
        self.configuration = configuration
        self.logger = logger
        pool = ConnectionPool(configuration: configuration, reachability: reachable)
        do {
            try pool.with { connection in try Schema.migrate(connection) }
        } catch {
            logger.error("cannot prepare the registry schema", metadata: ["error": "\(error)"])
            throw error.meansUnreachable ? error.storeError : .io("the registry's schema cannot be prepared", cause: .underlying(error.description))
        }
        try translate { try replaceIndex(with: pool.with { try $0.execute(RegistrySQL.allModules) }) }
        let listener = ChangeListener(store: self)
        self.listener.withLock { $0 = listener }
        listener.start()
    }

    /// Stops the listener thread (tests open and close many stores).
    public func close() {
        listener.withLock {
            $0?.stop()
            $0 = nil
        }
    }

    public var reachability: StoreReachability {
        reachable.isReachable ? .ok : .unreachable
    }

    public var totals: (count: Int, bytes: Int) {
        state.withLock { ($0.index.modules.count, $0.index.totalBytes) }
    }

    public func onModuleRemoved(_ handler: @escaping @Sendable (String) -> Void) {
        removalHandlers.withLock { $0.append(handler) }
    }

    public func put(_ bytes: [UInt8], name: String?) throws(StoreError) -> PutResult {
        try put(bytes, name: name, description: nil)
    }

    /// Stores `bytes`, `description` and the name in one transaction; every
    /// record read back (here or on another replica) carries the description.
    public func put(_ bytes: [UInt8], name: String?, description: [UInt8]?) throws(StoreError) -> PutResult {
        if let name, !ModuleReference.isValidName(name) { throw .invalidName(name) }
        let id = ModuleStore.id(of: bytes)
        let started = generation
        let (record, created) = try translate {
            try withRetries {
                try pool.with { connection in
                    try connection.transaction { connection in
                        try insert(bytes, id: id, name: name, description: description, on: connection)
                    }
                }
            }
        }
        cache([record], readAt: started)
        return PutResult(record: record, created: created)
    }

    public func resolve(_ ref: String) throws(StoreError) -> ModuleRecord? {
        if let known = state.withLock({ $0.index.resolve(ref) }) { return known }
        guard ModuleReference.isID(ref) || ModuleReference.isValidName(ref) else { return nil }
        let started = generation
        let records = try translate {
            RegistrySQL.records(try pool.with { try $0.execute(RegistrySQL.moduleByReference, [.text(ref)]) })
        }
        cache(records, readAt: started)
        return records.first
    }

    public func list() throws(StoreError) -> [ModuleRecord] {
        let started = generation
        let records = try translate {
            RegistrySQL.records(try pool.with { try $0.execute(RegistrySQL.allModules) })
        }
        cache(records, readAt: started)
        return records
    }

    public func bytes(of id: String) throws(StoreError) -> [UInt8] {
        guard ModuleReference.isID(id) else { throw .notFound(id) }
        let rows = try translate {
            try pool.with { try $0.execute(RegistrySQL.moduleBytes, [.text(id)], binaryResult: true) }
        }
        guard let bytes = rows.rows.first?.first ?? nil else { throw .notFound(id) }
        return bytes
    }

    @discardableResult
    public func delete(_ ref: String) throws(StoreError) -> ModuleRecord {
        let deleted: ModuleRecord? = try translate {
            // A delete racing an upload that names the same module can deadlock (the
            // cascade on names against the upload's foreign-key check): run it again.
            try withRetries {
                try pool.with { connection in
                    try connection.transaction { connection -> ModuleRecord? in
                        let rows = try connection.execute(RegistrySQL.moduleByReference, [.text(ref)])
                        guard let record = RegistrySQL.records(rows).first,
                            try !connection.execute(RegistrySQL.deleteModule, [.text(record.id)]).isEmpty
                        else { return nil }
                        try notify(.module(record.id), on: connection)
                        return record
                    }
                }
            }
        }
        guard let deleted else { throw .notFound(ref) }
        // A removal is always safe to apply: a module uploaded again later is read through.
        state.withLock { $0.index.apply(module: deleted.id, nil) }
        return deleted
    }

    // MARK: - Pieces

    /// The upload transaction's body: insert unless present, point the name, announce.
    private func insert(
        _ bytes: [UInt8], id: String, name: String?, description: [UInt8]?, on connection: PGConnection
    ) throws(PostgresError) -> (ModuleRecord, Bool) {
        if configuration.maxTotalBytes > 0,
            try connection.execute(RegistrySQL.moduleByID, [.text(id)]).isEmpty,
            (try connection.execute(RegistrySQL.totalBytes).integer(0, 0) ?? 0) + bytes.count > configuration.maxTotalBytes
        {
            throw .server(sqlstate: "53100", message: "quota")
        }
        let created = try !connection.execute(
            RegistrySQL.insertModule, [.text(id), .binary(bytes), .text(String(bytes.count)), .binary(orNull: description)]
        ).isEmpty
        var described = false
        if !created, let description {
            described = try !connection.execute(RegistrySQL.attachDescription, [.text(id), .binary(description)]).isEmpty
        }
        if created || described { try notify(.module(id), on: connection) }
        if let name {
            try connection.execute(RegistrySQL.pointName, [.text(name), .text(id)])
            try notify(.name(name), on: connection)
        }
        guard let record = RegistrySQL.records(try connection.execute(RegistrySQL.moduleByID, [.text(id)])).first else {
            throw .unexpected("module \(id) vanished inside its own upload")
        }
        return (record, created)
    }

    private func notify(_ change: RegistryChange, on connection: PGConnection) throws(PostgresError) {
        try connection.execute(RegistrySQL.notify, [.text(Schema.channel), .text(change.payload)])
    }

    var generation: UInt64 { state.withLock { $0.generation } }

    /// Caches what a read (or this replica's own write) returned. If the listener
    /// changed one of a record's keys since the read began, the read may be older
    /// than the index: then that module and its names are forgotten instead, and
    /// the next lookup reads them through. Forgetting is always safe; caching old data is not.
    private func cache(_ records: [ModuleRecord], readAt started: UInt64) {
        state.withLock { state in
                for record in records {
                if state.isCurrent(record, readAt: started) {
                    state.index.apply(module: record.id, record)
                } else {
                    state.index.apply(module: record.id, nil)
                    for name in record.names { state.index.apply(name: name, pointingAt: nil) }
                }
            }
        }
    }

    /// Replaces the whole index with a full read (start-up and resync).
    func replaceIndex(with rows: PGRows) {
        var index = RegistryIndex()
        for record in RegistrySQL.records(rows) { index.apply(module: record.id, record) }
        let removed = state.withLock { state -> [String] in
            let gone = state.index.modules.keys.filter { index.modules[$0] == nil }
            state.index = index
            state.generation += 1
            state.changedAt.removeAll()
            state.floor = state.generation
            return gone
        }
        announceRemovals(removed)
    }

    func announceRemovals(_ ids: [String]) {
        guard !ids.isEmpty else { return }
        let handlers = removalHandlers.withLock { $0 }
        for id in ids { for handler in handlers { handler(id) } }
    }

    /// Runs a transaction again when a concurrent writer won a race (two
    /// replicas inserting the same bytes or moving the same name).
    private func withRetries<T>(_ body: () throws -> T) throws(PostgresError) -> T {
        var attempt = 0
        while true {
            do { return try body() } catch {
                let error = PostgresError(error)
                attempt += 1
                guard error.isRetryable, attempt < 5 else { throw error }
            }
        }
    }

    /// Turns a libpq failure into a ``StoreError`` and logs the server's words.
    private func translate<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do { return try body() } catch {
            let error = PostgresError(error)
            if case .server("53100", _) = error {
                throw .storageFull("the module store's quota of \(configuration.maxTotalBytes) bytes is used up")
            }
            logger.warning("registry operation failed", metadata: ["error": "\(error)"])
            throw error.storeError
        }
    }
}
