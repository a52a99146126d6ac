import Foundation
import Logging
import ModuleStore
import PostgresStore
import Synchronization
import Testing

/// The store protocol's contract, run against both backends: the directory
/// store in a temp dir, and PostgreSQL when `WASMHOST_TEST_POSTGRES_URL` names
/// a server (`make test` starts a throwaway one). Each PostgreSQL case gets a
/// schema of its own.
@Suite(.timeLimit(.minutes(3)))
struct RegistryContractTests {
    enum Backend: String, CaseIterable, CustomStringConvertible {
        case directory, postgres
        var description: String { rawValue }
    }

    static var backends: [Backend] {
        PostgresFixture.url == nil ? [.directory] : Backend.allCases
    }

    @Test(arguments: backends)
    func putResolveAndReadBack(_ backend: Backend) throws {
        try RegistryFixture.with(backend) { store in
            let bytes = moduleBytes(1, size: 40)
            let first = try store.put(bytes, name: "calc")
            #expect(first.created)
            #expect(first.record.id == ModuleStore.id(of: bytes) && first.record.size == 40 && first.record.names == ["calc"])
            #expect(try !store.put(bytes, name: nil).created)
            #expect(try store.resolve(first.record.id)?.id == first.record.id)
            #expect(try store.resolve("calc")?.id == first.record.id)
            #expect(try store.resolve("other") == nil)
            #expect(try store.bytes(of: first.record.id) == bytes)
            #expect(store.totals.count == 1 && store.totals.bytes == 40)
            #expect(store.reachability == .ok)
        }
    }

    /// The service's description is stored with the bytes and read back byte-exact
    /// by another instance, whether it reads through, lists or loads at start.
    @Test(arguments: backends)
    func aDescriptionIsReadBackByteExact(_ backend: Backend) throws {
        // Key order, spacing and escapes that a JSON re-encoding would change.
        let description = Array(#"{"z":1,  "a":[2.50,"\u00e9"],"m":{}}"#.utf8) + Array(repeating: UInt8(ascii: " "), count: 100)
        try RegistryFixture.with(backend) { store, openAnother in
            // A replica running already reads through; a directory store is reopened instead.
            let replica = backend == .postgres ? try openAnother() : nil
            let put = try store.put(moduleBytes(40), name: "described", description: description)
            #expect(put.created && put.record.description == description)
            let plain = try store.put(moduleBytes(41), name: nil, description: nil).record
            if let replica {
                #expect(try replica.resolve("described")?.description == description)
                #expect(try replica.list().map(\.description) == [description, nil])
            }
            #expect(try openAnother().resolve(put.record.id)?.description == description)
            #expect(try openAnother().list().map(\.description) == [description, nil])
            #expect(try openAnother().list().map(\.id) == [put.record.id, plain.id])
        }
    }

    @Test(arguments: backends)
    func aNameMovesLikeATag(_ backend: Backend) throws {
        try RegistryFixture.with(backend) { store in
            let a = try store.put(moduleBytes(3), name: "tag").record
            let b = try store.put(moduleBytes(4), name: "tag").record
            #expect(try store.resolve("tag")?.id == b.id)
            #expect(try store.resolve(a.id)?.names == [])
            #expect(try store.resolve(b.id)?.names == ["tag"])
            _ = try store.put(moduleBytes(3), name: "zeta")
            _ = try store.put(moduleBytes(3), name: "alpha")
            #expect(try store.resolve(a.id)?.names == ["alpha", "zeta"])
        }
    }

    @Test(arguments: backends)
    func deleteRemovesTheModuleAndEveryName(_ backend: Backend) throws {
        try RegistryFixture.with(backend) { store in
            let keep = try store.put(moduleBytes(7), name: "keep").record
            _ = try store.put(moduleBytes(8), name: "one")
            let doomed = try store.put(moduleBytes(8), name: "two").record
            #expect(try store.delete("one").id == doomed.id)
            #expect(try store.resolve(doomed.id) == nil)
            #expect(try store.resolve("two") == nil)
            #expect(try store.resolve("keep") == keep)
            #expect(try store.list().map(\.id) == [keep.id])
            #expect(throws: StoreError.notFound("one")) { try store.delete("one") }
            let missing = #expect(throws: StoreError.self) { try store.bytes(of: doomed.id) }
            guard case .notFound = missing else { Issue.record("expected notFound, got \(String(describing: missing))"); return }
        }
    }

    @Test(arguments: backends)
    func listIsOldestFirstAndAnInvalidNameStoresNothing(_ backend: Backend) throws {
        try RegistryFixture.with(backend) { store in
            var ids: [String] = []
            for seed in 20..<25 { ids.append(try store.put(moduleBytes(seed), name: nil).record.id) }
            #expect(try store.list().map(\.id) == ids)
            #expect(throws: StoreError.invalidName("Bad Name")) { try store.put(moduleBytes(30), name: "Bad Name") }
            #expect(try store.list().count == 5)
        }
    }

    @Test(arguments: backends)
    func concurrentIdenticalPutsCreateOneModule(_ backend: Backend) throws {
        try RegistryFixture.with(backend) { store in
            let bytes = moduleBytes(16, size: 4096)
            let outcomes = Mutex<[Bool?]>([])
            DispatchQueue.concurrentPerform(iterations: 16) { index in
                let created = try? store.put(bytes, name: index.isMultiple(of: 2) ? "shared" : nil).created
                outcomes.withLock { $0.append(created) }
            }
            let results = outcomes.withLock { $0 }
            #expect(!results.contains(nil))
            #expect(results.filter { $0 == true }.count == 1)
            let names = try store.list().map(\.names)
            #expect(names == [["shared"]])
        }
    }
}
