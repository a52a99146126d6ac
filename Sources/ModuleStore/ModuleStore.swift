import Crypto
import Foundation
import Glibc
import Logging
import Synchronization

/// The durable, content-addressed module store.
///
/// Layout under the data directory:
/// - `modules/<sha256>.wasm`: module binaries, named by the hash of their bytes;
/// - `names/<name>`: a name, holding the id it points to;
/// - `quarantine/`: files found corrupt at start-up, kept for inspection.
///
/// Every write goes through ``DurableFile`` and is on disk before the call returns.
public final class ModuleStore: Sendable {
    struct Index: Sendable {
        var modules: [String: ModuleRecord] = [:]
        var names: [String: String] = [:]
        var totalBytes = 0
    }

    let modulesDirectory: String
    let namesDirectory: String
    let quarantineDirectory: String
    let maxTotalBytes: Int
    let logger: Logger
    let index = Mutex(Index())
    /// Serialises writers so that a name move, a put and a delete never interleave on disk.
    private let writer = Mutex(())

    /// Opens (creating if needed) the store under `dataDirectory` and runs the start-up scan.
    /// - Parameter maxTotalBytes: store quota in bytes; 0 means no quota.
    public init(dataDirectory: String, maxTotalBytes: Int = 0, logger: Logger) throws(StoreError) {
        modulesDirectory = "\(dataDirectory)/modules"
        namesDirectory = "\(dataDirectory)/names"
        quarantineDirectory = "\(dataDirectory)/quarantine"
        self.maxTotalBytes = maxTotalBytes
        self.logger = logger
        for directory in [dataDirectory, modulesDirectory, namesDirectory, quarantineDirectory] {
            if mkdir(directory, 0o755) != 0 && errno != EEXIST {
                throw DurableFile.failure("mkdir \(directory)", errno)
            }
        }
        let scanned = try StartupScan(store: self).run()
        index.withLock { $0 = scanned }
    }

    /// Lowercase hex SHA-256 of `bytes`.
    public static func id(of bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Stores `bytes` (already validated by the caller) and, with `name`, points the name at it.
    public func put(_ bytes: [UInt8], name: String?) throws(StoreError) -> PutResult {
        if let name, !ModuleReference.isValidName(name) { throw .invalidName(name) }
        let id = Self.id(of: bytes)
        return try writer.withLock { _ throws(StoreError) -> PutResult in
            let existing = index.withLock { $0.modules[id] }
            if existing == nil {
                let total = index.withLock { $0.totalBytes }
                if maxTotalBytes > 0 && total + bytes.count > maxTotalBytes {
                    throw .storageFull("the module store's quota of \(maxTotalBytes) bytes is used up")
                }
                try DurableFile.write(bytes, to: "\(id).wasm", in: modulesDirectory)
                let record = ModuleRecord(id: id, size: bytes.count, createdAt: Date(), names: [])
                index.withLock {
                    $0.modules[id] = record
                    $0.totalBytes += bytes.count
                }
            }
            if let name { try point(name, at: id) }
            guard let record = index.withLock({ $0.modules[id] }) else { throw .notFound(id) }
            return PutResult(record: record, created: existing == nil)
        }
    }

    /// The module that `ref` (an id or a name) designates.
    public func resolve(_ ref: String) -> ModuleRecord? {
        index.withLock { index in
            if let record = index.modules[ref] { return record }
            if let id = index.names[ref] { return index.modules[id] }
            return nil
        }
    }

    /// Every module, oldest first (ties broken by id).
    public func list() -> [ModuleRecord] {
        index.withLock { Array($0.modules.values) }.sorted {
            ($0.createdAt, $0.id) < ($1.createdAt, $1.id)
        }
    }

    /// Number of modules and their total size in bytes.
    public var totals: (count: Int, bytes: Int) {
        index.withLock { ($0.modules.count, $0.totalBytes) }
    }

    /// The binary bytes of module `id`.
    public func bytes(of id: String) throws(StoreError) -> [UInt8] {
        guard ModuleReference.isID(id) else { throw .notFound(id) }
        return try DurableFile.read("\(modulesDirectory)/\(id).wasm")
    }

    /// Deletes the module that `ref` designates and all its names.
    /// - Returns: the deleted record.
    @discardableResult
    public func delete(_ ref: String) throws(StoreError) -> ModuleRecord {
        try writer.withLock { _ throws(StoreError) -> ModuleRecord in
            guard let record = resolve(ref) else { throw .notFound(ref) }
            for name in record.names { try DurableFile.remove(name, in: namesDirectory) }
            try DurableFile.remove("\(record.id).wasm", in: modulesDirectory)
            index.withLock { index in
                index.modules[record.id] = nil
                index.totalBytes -= record.size
                for name in record.names { index.names[name] = nil }
            }
            return record
        }
    }

    /// Points `name` at `id` durably, taking it from any module that had it.
    private func point(_ name: String, at id: String) throws(StoreError) {
        let previous = index.withLock { $0.names[name] }
        guard previous != id else { return }
        try DurableFile.write(Array(id.utf8), to: name, in: namesDirectory)
        index.withLock { index in
            if let previous { index.modules[previous]?.names.removeAll { $0 == name } }
            index.names[name] = id
            index.modules[id]?.names.append(name)
            index.modules[id]?.names.sort()
        }
    }
}
