import Foundation

/// What the store knows of one module.
public struct ModuleRecord: Sendable, Equatable {
    /// Lowercase hex SHA-256 of the module's binary bytes.
    public let id: String
    /// Size of the binary in bytes.
    public let size: Int
    /// When the module was first stored.
    public let createdAt: Date
    /// Names pointing at this module, sorted.
    public var names: [String]
    /// The module's description as the service made it at upload (a JSON
    /// object, opaque to the store), or `nil` for a module stored before
    /// descriptions were kept.
    public var description: [UInt8]?

    /// Creates a record.
    public init(id: String, size: Int, createdAt: Date, names: [String], description: [UInt8]? = nil) {
        self.id = id
        self.size = size
        self.createdAt = createdAt
        self.names = names
        self.description = description
    }
}

/// The outcome of storing bytes.
public struct PutResult: Sendable {
    /// The module as now stored.
    public let record: ModuleRecord
    /// True when the bytes were new, false when they were already stored.
    public let created: Bool

    /// Creates a result (for other backends).
    public init(record: ModuleRecord, created: Bool) {
        self.record = record
        self.created = created
    }
}
