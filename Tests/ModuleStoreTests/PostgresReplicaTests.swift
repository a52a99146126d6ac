import Foundation
import ModuleStore
import PostgresStore
import Synchronization
import Testing
import TestSupport
import Hex

/// Two PostgresStore instances over one database behave as two replicas.
@Suite(.enabled(if: PostgresFixture.url != nil, "needs WASMHOST_TEST_POSTGRES_URL"), .timeLimit(.minutes(1)))
struct PostgresReplicaTests {
    /// Polls `condition` for up to `seconds`.
    func eventually(within seconds: Double = 2, _ condition: () throws -> Bool) rethrows -> Bool {
        try Poll.until(seconds: seconds, every: 0.01, condition)
    }

    /// Two stores over one fresh schema: replicas A and B.
    func withReplicas(_ body: (PostgresStore, PostgresStore) throws -> Void) throws {
        let schema = try PostgresFixture.freshSchema()
        defer { PostgresFixture.drop(schema) }
        let a = try PostgresFixture.open(schema)
        let b = try PostgresFixture.open(schema)
        defer { a.close(); b.close() }
        try body(a, b)
    }

    @Test func anUploadOnOneReplicaIsReadThroughOnAnother() throws {
        try withReplicas { a, b in
            let bytes = moduleBytes(40, size: 64)
            let record = try a.put(bytes, name: "fresh").record
            // Straight after the commit, before any notification: read-through.
            #expect(try b.resolve("fresh")?.id == record.id)
            #expect(try b.resolve(record.id)?.names == ["fresh"])
            #expect(try b.bytes(of: record.id) == bytes)
        }
    }

    @Test func nameMovesAndDeletesReachTheOtherReplicaThroughTheListener() throws {
        try withReplicas { a, b in
            let removed = Mutex<[String]>([])
            b.onModuleRemoved { id in removed.withLock { $0.append(id) } }
            let first = try a.put(moduleBytes(41), name: "tag").record
            #expect(try b.resolve("tag")?.id == first.id)
            let second = try a.put(moduleBytes(42), name: "tag").record
            #expect(eventually { (try? b.resolve("tag"))??.id == second.id })
            try a.delete(second.id)
            // Other tests share the database and its NOTIFY channel: look for this id only.
            #expect(eventually { removed.withLock { $0.contains(second.id) } })
            #expect(try b.resolve("tag") == nil)
            // Totals follow the listener too: poll, as for the removal.
            #expect(eventually { b.totals.count == 1 })
        }
    }

    @Test func theSchemaIsMigratedOnceAndReopeningIsHarmless() throws {
        let schema = try PostgresFixture.freshSchema()
        defer { PostgresFixture.drop(schema) }
        let record: ModuleRecord
        do {
            let store = try PostgresFixture.open(schema)
            defer { store.close() }
            record = try store.put(moduleBytes(43), name: "kept").record
        }
        let again = try PostgresFixture.open(schema)
        defer { again.close() }
        #expect(again.totals.count == 1)
        #expect(try again.resolve("kept") == record)
    }

    /// A registry of schema version 1 (description column `jsonb`, never written)
    /// migrates to `bytea`; its module keeps working and an upload of the same
    /// bytes gives it its description.
    @Test func aVersionOneRegistryMigratesAndGetsDescriptions() throws {
        let schema = try PostgresFixture.freshSchema()
        defer { PostgresFixture.drop(schema) }
        let bytes = moduleBytes(44)
        let id = ModuleStore.id(of: bytes)
        let hex = Hex.encode(bytes)
        try PostgresFixture.psql("""
            CREATE TABLE \(schema).wasmhost_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
            INSERT INTO \(schema).wasmhost_schema (version) VALUES (1);
            CREATE TABLE \(schema).wasmhost_modules (id text PRIMARY KEY, bytes bytea NOT NULL, size integer NOT NULL,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(), description jsonb);
            CREATE TABLE \(schema).wasmhost_names (name text PRIMARY KEY,
                module_id text NOT NULL REFERENCES \(schema).wasmhost_modules (id) ON DELETE CASCADE);
            INSERT INTO \(schema).wasmhost_modules (id, bytes, size) VALUES ('\(id)', '\\x\(hex)', \(bytes.count));
            INSERT INTO \(schema).wasmhost_names (name, module_id) VALUES ('old', '\(id)');
            """)
        let store = try PostgresFixture.open(schema)
        defer { store.close() }
        let old = try #require(try store.resolve("old"))
        #expect(old.id == id && old.description == nil)
        #expect(try store.bytes(of: id) == bytes)
        let description = Array(#"{"exports":[]}"#.utf8)
        let again = try store.put(bytes, name: nil, description: description)
        #expect(!again.created && again.record.description == description)
        let replica = try PostgresFixture.open(schema)
        defer { replica.close() }
        #expect(try replica.resolve("old")?.description == description)
    }

    @Test func anUnreachableServerIsAnUnavailableError() throws {
        var configuration = PostgresConfiguration(url: "postgresql://127.0.0.1:1/none")
        configuration.connectTimeoutSeconds = 1
        let error = #expect(throws: StoreError.self) {
            _ = try PostgresStore(configuration: configuration, logger: .init(label: "test"))
        }
        guard case .unavailable = error else {
            Issue.record("expected unavailable, got \(String(describing: error))")
            return
        }
    }
}
