import Foundation
import Logging
import ModuleStore
import PostgresStore

/// Opens a fresh store of either backend for one test and cleans it up after.
enum RegistryFixture {
    static func with(_ backend: RegistryContractTests.Backend, _ body: (any ModuleRegistry) throws -> Void) throws {
        try with(backend) { store, _ in try body(store) }
    }

    /// Like ``with(_:_:)``, and `body` may open more instances over the same storage
    /// (another process restarted on the directory, another replica on the database).
    static func with(
        _ backend: RegistryContractTests.Backend,
        _ body: (any ModuleRegistry, _ openAnother: () throws -> any ModuleRegistry) throws -> Void
    ) throws {
        switch backend {
        case .directory:
            let directory = TemporaryDirectory()
            defer { directory.remove() }
            try body(try directory.open()) { try directory.open() }
        case .postgres:
            let schema = try PostgresFixture.freshSchema()
            defer { PostgresFixture.drop(schema) }
            var stores = [try PostgresFixture.open(schema)]
            defer { stores.forEach { $0.close() } }
            try body(stores[0]) {
                let another = try PostgresFixture.open(schema)
                stores.append(another)
                return another
            }
        }
    }
}

/// A PostgreSQL server for tests, named by `WASMHOST_TEST_POSTGRES_URL`.
/// Each test works in its own schema (set through libpq's `options`), so tests
/// can run in parallel against one database.
enum PostgresFixture {
    static var url: String? {
        ProcessInfo.processInfo.environment["WASMHOST_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    struct Unavailable: Error {}

    /// Creates an empty schema and returns its name.
    static func freshSchema() throws -> String {
        let schema = "test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
        try psql("CREATE SCHEMA \(schema)")
        return schema
    }

    static func drop(_ schema: String) {
        try? psql("DROP SCHEMA \(schema) CASCADE")
    }

    /// A store whose connections work in `schema`.
    static func open(_ schema: String, poolSize: Int = 4) throws -> PostgresStore {
        var configuration = PostgresConfiguration(url: try connectionString(schema))
        configuration.poolSize = poolSize
        return try PostgresStore(configuration: configuration, logger: Logger(label: "test.registry"))
    }

    static func connectionString(_ schema: String) throws -> String {
        guard let url else { throw Unavailable() }
        let separator = url.contains("?") ? "&" : "?"
        return "\(url)\(separator)options=-csearch_path%3D\(schema)"
    }

    /// Runs one statement with psql (test set-up only; the store itself binds every value).
    static func psql(_ sql: String) throws {
        guard let url else { throw Unavailable() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", url, "-q", "-v", "ON_ERROR_STOP=1", "-c", "SET client_min_messages = warning", "-c", sql]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Unavailable() }
    }
}
