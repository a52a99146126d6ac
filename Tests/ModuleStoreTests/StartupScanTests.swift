import Foundation
import Testing
@testable import ModuleStore

/// The start-up scan: what a restart on the same directory finds, and how it treats damage.
@Suite(.timeLimit(.minutes(3)))
struct StartupScanTests {
    @Test func aRestartOnTheSameDirectoryRebuildsTheIndex() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var ids: [String] = []
        do {
            let store = try directory.open()
            ids.append(try store.put(moduleBytes(1, size: 20), name: "first").record.id)
            Thread.sleep(forTimeInterval: 0.01)
            ids.append(try store.put(moduleBytes(2, size: 30), name: "second").record.id)
            _ = try store.put(moduleBytes(2, size: 30), name: "alias")
            Thread.sleep(forTimeInterval: 0.01)
            ids.append(try store.put(moduleBytes(3, size: 40), name: nil).record.id)
        }
        let reopened = try directory.open()
        #expect(reopened.list().map(\.id) == ids)
        #expect(reopened.totals.count == 3 && reopened.totals.bytes == 90)
        #expect(reopened.resolve("first")?.id == ids[0])
        #expect(reopened.resolve("second")?.names == ["alias", "second"])
        #expect(reopened.resolve(ids[2])?.names == [])
        #expect(reopened.resolve(ids[1])?.size == 30)
        #expect(try reopened.bytes(of: ids[2]) == moduleBytes(3, size: 40))
    }

    @Test func aFileWhoseBytesDoNotMatchItsHashIsQuarantined() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let good: String
        let bad: String
        do {
            let store = try directory.open()
            good = try store.put(moduleBytes(4), name: "good").record.id
            bad = try store.put(moduleBytes(5), name: "bad").record.id
        }
        var bytes = try #require(directory.read("modules/\(bad).wasm"))
        bytes[bytes.count - 1] ^= 0xFF
        try directory.write(bytes, to: "modules/\(bad).wasm")

        let store = try directory.open()
        #expect(store.list().map(\.id) == [good])
        #expect(store.resolve(bad) == nil)
        #expect(store.resolve("bad") == nil)
        #expect(directory.files(in: "modules") == ["\(good).wasm"])
        let quarantined = directory.files(in: "quarantine")
        #expect(quarantined.count == 1)
        #expect(quarantined.first?.hasPrefix("\(bad).wasm") == true)
        // The name pointed at the quarantined module: it is gone from disk too.
        #expect(directory.files(in: "names") == ["good"])
        #expect(store.totals.bytes == moduleBytes(4).count)
    }

    @Test func aModuleFileNotNamedByAnIDIsQuarantined() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        _ = try directory.open()
        try directory.write(moduleBytes(6), to: "modules/notanid.wasm")
        let upper = ModuleStore.id(of: moduleBytes(7)).uppercased()
        try directory.write(moduleBytes(7), to: "modules/\(upper).wasm")
        let store = try directory.open()
        #expect(store.totals.count == 0)
        #expect(directory.files(in: "modules").isEmpty)
        #expect(directory.files(in: "quarantine").count == 2)
    }

    @Test func leftoverTempFilesAreRemoved() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let id: String
        do { id = try directory.open().put(moduleBytes(8), name: "kept").record.id }
        try directory.write([1, 2, 3], to: "modules/.tmp-\(id).wasm.123.456")
        try directory.write([4, 5, 6], to: "modules/.tmp-leftover")
        try directory.write(Array(id.utf8), to: "names/.tmp-kept.123.456")
        let store = try directory.open()
        #expect(directory.files(in: "modules") == ["\(id).wasm"])
        #expect(directory.files(in: "names") == ["kept"])
        #expect(directory.files(in: "quarantine").isEmpty)
        #expect(store.resolve("kept")?.id == id)
    }

    @Test func aDanglingNameFileIsRemoved() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let id: String
        do { id = try directory.open().put(moduleBytes(9), name: "live").record.id }
        let missing = ModuleStore.id(of: moduleBytes(10))
        try directory.write(Array(missing.utf8), to: "names/dangling")
        try directory.write(Array("garbage".utf8), to: "names/garbage")
        try directory.write(Array(id.utf8), to: "names/Invalid-Name")
        let store = try directory.open()
        #expect(directory.files(in: "names") == ["live"])
        #expect(store.resolve("dangling") == nil)
        #expect(store.resolve(id)?.names == ["live"])
    }

    @Test func aDeleteIsDurableAcrossARestart() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        do {
            let store = try directory.open()
            _ = try store.put(moduleBytes(11), name: "gone")
            _ = try store.put(moduleBytes(12), name: "stays")
            try store.delete("gone")
        }
        let store = try directory.open()
        #expect(store.list().map(\.names) == [["stays"]])
    }

    @Test func theQuotaCountsModulesFoundAtStartUp() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        do { _ = try directory.open().put(moduleBytes(13, size: 80), name: nil) }
        let store = try directory.open(maxTotalBytes: 100)
        #expect(throws: StoreError.self) { try store.put(moduleBytes(14, size: 30), name: nil) }
    }

    @Test func openingCreatesTheLayout() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        _ = try directory.open()
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
        #expect(entries == ["modules", "names", "quarantine"])
    }
}
