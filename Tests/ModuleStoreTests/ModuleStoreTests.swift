import Foundation
import Synchronization
import Testing
@testable import ModuleStore

/// Put, resolve, names, delete, list, quota and concurrency on a real on-disk store.
@Suite(.timeLimit(.minutes(3)))
struct ModuleStoreTests {
    @Test func idIsTheLowercaseHexSHA256OfTheBytes() {
        #expect(ModuleStore.id(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(ModuleStore.id(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func putStoresTheBytesAndResolvesByIDAndName() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try directory.open()
        let bytes = moduleBytes(1, size: 40)
        let result = try store.put(bytes, name: "calc")
        #expect(result.created)
        #expect(result.record.id == ModuleStore.id(of: bytes))
        #expect(result.record.size == 40)
        #expect(result.record.names == ["calc"])
        #expect(store.resolve(result.record.id) == result.record)
        #expect(store.resolve("calc") == result.record)
        #expect(store.resolve("other") == nil)
        #expect(try store.bytes(of: result.record.id) == bytes)
        #expect(directory.read("modules/\(result.record.id).wasm") == bytes)
        #expect(directory.read("names/calc") == Array(result.record.id.utf8))
        #expect(store.totals.count == 1 && store.totals.bytes == 40)
    }

    @Test func putOfStoredBytesReturnsCreatedFalseAndKeepsTheRecord() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try directory.open()
        let first = try store.put(moduleBytes(2), name: nil)
        let second = try store.put(moduleBytes(2), name: nil)
        #expect(first.created)
        #expect(!second.created)
        #expect(second.record == first.record)
        #expect(store.totals.count == 1)
        #expect(store.totals.bytes == first.record.size)
    }

    @Test func aNameMovesToTheModuleLastPutWithIt() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try directory.open()
        let a = try store.put(moduleBytes(3), name: "tag").record
        let b = try store.put(moduleBytes(4), name: "tag").record
        #expect(store.resolve("tag")?.id == b.id)
        #expect(store.resolve(a.id)?.names == [])
        #expect(store.resolve(b.id)?.names == ["tag"])
        // Moving back with a re-put of the old bytes.
        let again = try store.put(moduleBytes(3), name: "tag")
        #expect(!again.created)
        #expect(again.record.names == ["tag"])
        #expect(store.resolve(b.id)?.names == [])
        #expect(directory.read("names/tag") == Array(a.id.utf8))
    }

    @Test func namesOfOneModuleAreKeptSorted() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try directory.open()
        _ = try store.put(moduleBytes(5), name: "zeta")
        _ = try store.put(moduleBytes(5), name: "alpha")
        let record = try store.put(moduleBytes(5), name: "mid").record
        #expect(record.names == ["alpha", "mid", "zeta"])
    }

    @Test(arguments: ["", "Upper", "-lead", "has space", "a/b", String(repeating: "a", count: 65),
                      String(repeating: "ab", count: 32)])
    func putRefusesAnInvalidNameWithoutStoringAnything(name: String) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try directory.open()
        let error = #expect(throws: StoreError.self) { try store.put(moduleBytes(6), name: name) }
        #expect(error == .invalidName(name))
        #expect(store.totals.count == 0)
    }

    @Test func deleteRemovesTheModuleAndAllItsNames() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try directory.open()
        let keep = try store.put(moduleBytes(7), name: "keep").record
        _ = try store.put(moduleBytes(8), name: "one")
        let doomed = try store.put(moduleBytes(8), name: "two").record
        let deleted = try store.delete("one")
        #expect(deleted.id == doomed.id)
        #expect(deleted.names == ["one", "two"])
        #expect(store.resolve(doomed.id) == nil)
        #expect(store.resolve("one") == nil)
        #expect(store.resolve("two") == nil)
        #expect(store.resolve("keep") == keep)
        #expect(directory.files(in: "names") == ["keep"])
        #expect(directory.files(in: "modules") == ["\(keep.id).wasm"])
        #expect(store.totals.count == 1 && store.totals.bytes == keep.size)
        #expect(throws: StoreError.notFound("one")) { try store.delete("one") }
    }

    @Test func aDeletedNameCanBeReusedForAnotherModule() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try directory.open()
        _ = try store.put(moduleBytes(9), name: "reuse")
        try store.delete("reuse")
        let fresh = try store.put(moduleBytes(10), name: "reuse").record
        #expect(store.resolve("reuse") == fresh)
    }

    @Test func bytesOfSomethingThatIsNotAnIDIsNotFound() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try directory.open()
        #expect(throws: StoreError.notFound("../etc/passwd")) { try store.bytes(of: "../etc/passwd") }
    }

    @Test func listIsOldestFirst() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try directory.open()
        var ids: [String] = []
        for seed in [30, 10, 20] {
            ids.append(try store.put(moduleBytes(seed), name: nil).record.id)
            Thread.sleep(forTimeInterval: 0.005)
        }
        #expect(store.list().map(\.id) == ids)
        // A re-put does not make a module newer.
        _ = try store.put(moduleBytes(30), name: "again")
        #expect(store.list().map(\.id) == ids)
    }

    @Test func theQuotaRefusesNewBytesWithStorageFull() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try directory.open(maxTotalBytes: 100)
        _ = try store.put(moduleBytes(11, size: 60), name: nil)
        let error = #expect(throws: StoreError.self) { try store.put(moduleBytes(12, size: 41), name: nil) }
        guard case .storageFull(let message) = error else {
            Issue.record("expected storageFull, got \(String(describing: error))")
            return
        }
        #expect(message.contains("100"))
        #expect(store.totals.count == 1)
        #expect(directory.files(in: "modules").count == 1)
        // Exactly at the quota fits; bytes already stored need no room.
        _ = try store.put(moduleBytes(13, size: 40), name: nil)
        #expect(try !store.put(moduleBytes(11, size: 60), name: "named").created)
        #expect(store.totals.bytes == 100)
    }

    @Test func deletingFreesQuota() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try directory.open(maxTotalBytes: 50)
        let first = try store.put(moduleBytes(14, size: 50), name: nil).record
        #expect(throws: StoreError.self) { try store.put(moduleBytes(15, size: 50), name: nil) }
        try store.delete(first.id)
        #expect(try store.put(moduleBytes(15, size: 50), name: nil).created)
    }

    @Test func concurrentPutsOfTheSameBytesEndWithOneModule() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try directory.open()
        let bytes = moduleBytes(16, size: 4096)
        let created = Counter()
        let failures = Counter()
        DispatchQueue.concurrentPerform(iterations: 32) { index in
            do {
                if try store.put(bytes, name: index.isMultiple(of: 2) ? "shared" : nil).created { created.add() }
            } catch {
                failures.add()
            }
        }
        #expect(failures.value == 0)
        #expect(created.value == 1)
        #expect(store.totals.count == 1 && store.totals.bytes == 4096)
        #expect(store.list().first?.names == ["shared"])
        #expect(directory.files(in: "modules") == ["\(ModuleStore.id(of: bytes)).wasm"])
    }

    @Test func concurrentPutsOfDifferentBytesAreAllStored() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try directory.open()
        DispatchQueue.concurrentPerform(iterations: 24) { index in
            _ = try? store.put(moduleBytes(100 + index), name: "m\(index)")
        }
        #expect(store.totals.count == 24)
        for index in 0..<24 { #expect(store.resolve("m\(index)")?.id == ModuleStore.id(of: moduleBytes(100 + index))) }
    }
}

/// A thread-safe tally for the concurrency tests.
final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    func add() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
