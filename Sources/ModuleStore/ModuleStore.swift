import Crypto
import Foundation
import Glibc
import Logging
import Synchronization
import Hex

/// The durable, content-addressed module store.
///
/// Layout under the data directory:
/// - `modules/<sha256>.wasm`: module binaries, named by the hash of their bytes;
/// - `modules/<sha256>.json`: each module's description, written before its binary;
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
    let writer = Mutex(())
    let dataDirectory: String

    /// Opens (creating if needed) the store under `dataDirectory` and runs the start-up scan.
    /// - Parameter maxTotalBytes: store quota in bytes; 0 means no quota.
    public init(dataDirectory: String, maxTotalBytes: Int = 0, logger: Logger) throws(StoreError) {
        self.dataDirectory = dataDirectory
        modulesDirectory = "\(dataDirectory)/modules"
        namesDirectory = "\(dataDirectory)/names"
        quarantineDirectory = "\(dataDirectory)/quarantine"
        self.maxTotalBytes = maxTotalBytes
        self.logger = logger
        try createDirectories()
        let scanned = try StartupScan(store: self).run()
        index.withLock { $0 = scanned }
    }

    /// Lowercase hex SHA-256 of `bytes`.
    public static func id(of bytes: [UInt8]) -> String {
        Hex.encode(SHA256.hash(data: bytes))
    }

    /// Stores `bytes` (already validated by the caller) with its `description`
    /// and, with `name`, points the name at it.
    ///
    /// All or nothing: when any file cannot be written, what this call created
    /// is removed again and the index is unchanged.
    public func put(_ bytes: [UInt8], name: String?) throws(StoreError) -> PutResult {
        try put(bytes, name: name, description: nil)
    }

    /// Stores `bytes` (already validated by the caller) with its `description`
    /// (written as `modules/<id>.json`) and, with `name`, points the name at it.
    public func put(_ bytes: [UInt8], name: String?, description: [UInt8]?) throws(StoreError) -> PutResult {
        if let name, !ModuleReference.isValidName(name) { throw .invalidName(name) }
        let id = Self.id(of: bytes)
        return try writer.withLock { _ throws(StoreError) -> PutResult in
            try recoveringMissingDirectories { () throws(StoreError) -> PutResult in
                try putLocked(bytes, id: id, name: name, description: description)
            }
        }
    }

    private func putLocked(_ bytes: [UInt8], id: String, name: String?, description: [UInt8]?) throws(StoreError) -> PutResult {
        let (existing, previousOwner, total) = index.withLock { index in
            (index.modules[id], name.flatMap { index.names[$0] }, index.totalBytes)
        }
        if existing == nil {
            if maxTotalBytes > 0 && total + bytes.count > maxTotalBytes {
                throw .storageFull("the module store's quota of \(maxTotalBytes) bytes is used up")
            }
            // The description first: a binary on disk always has its description.
            if let description { try DurableFile.write(description, to: "\(id).json", in: modulesDirectory) }
            do {
                try DurableFile.write(bytes, to: "\(id).wasm", in: modulesDirectory)
            } catch {
                DurableFile.discard("\(id).json", in: modulesDirectory)
                throw error
            }
        }
        if let name, previousOwner != id {
            do {
                try DurableFile.write(Array(id.utf8), to: name, in: namesDirectory)
            } catch {
                // An upload that is not acknowledged leaves nothing behind.
                if existing == nil { discardModuleFiles(id) }
                throw error
            }
        }
        let createdAt = Date()
        // The start-up scan reads the creation time from the file: give the file this
        // exact time, so that `created_at` and the list order survive a restart.
        if existing == nil { Self.setModificationTime(of: "\(modulesDirectory)/\(id).wasm", to: createdAt) }
        return index.withLock { index in
            if existing == nil {
                index.modules[id] = ModuleRecord(id: id, size: bytes.count, createdAt: createdAt, names: [], description: description)
                index.totalBytes += bytes.count
            }
            if let name, previousOwner != id {
                if let previousOwner { index.modules[previousOwner]?.names.removeAll { $0 == name } }
                index.names[name] = id
                index.modules[id]?.names.append(name)
                index.modules[id]?.names.sort()
            }
            // The record exists: it was there, or was just added under this lock.
            let record = index.modules[id] ?? ModuleRecord(id: id, size: bytes.count, createdAt: Date(), names: [])
            return PutResult(record: record, created: existing == nil)
        }
    }

    static func setModificationTime(of path: String, to date: Date) {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let stamp = timespec(tv_sec: Int(seconds), tv_nsec: Int((date.timeIntervalSince1970 - seconds) * 1e9))
        let times = [stamp, stamp]
        _ = utimensat(AT_FDCWD, path, times, 0)
    }

    /// A file's modification time, or now when it cannot be read.
    static func modificationTime(of path: String) -> Date {
        var info = stat()
        guard stat(path, &info) == 0 else { return Date() }
        return Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
    }

    private func discardModuleFiles(_ id: String) {
        DurableFile.discard("\(id).wasm", in: modulesDirectory)
        DurableFile.discard("\(id).json", in: modulesDirectory)
    }

    /// Stores the description of a module kept from before descriptions were stored.
    /// It is in force at once; the error says only that it could not be written
    /// to disk (it is then made again at the next start).
    public func attachDescription(_ description: [UInt8], to id: String) throws(StoreError) {
        try writer.withLock { _ throws(StoreError) in
            guard index.withLock({ $0.modules[id] }) != nil else { throw .notFound(id) }
            index.withLock { $0.modules[id]?.description = description }
            try DurableFile.write(description, to: "\(id).json", in: modulesDirectory)
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
            try recoveringMissingDirectories { () throws(StoreError) -> ModuleRecord in
                guard let record = resolve(ref) else { throw .notFound(ref) }
                for name in record.names {
                    try DurableFile.remove(name, in: namesDirectory)
                    index.withLock { index in
                        index.names[name] = nil
                        index.modules[record.id]?.names.removeAll { $0 == name }
                    }
                }
                try DurableFile.remove("\(record.id).wasm", in: modulesDirectory)
                index.withLock { index in
                    index.modules[record.id] = nil
                    index.totalBytes -= record.size
                }
                // A leftover description without its binary is removed at start-up.
                try? DurableFile.remove("\(record.id).json", in: modulesDirectory)
                return record
            }
        }
    }
}
