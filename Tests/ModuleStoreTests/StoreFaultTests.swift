import Foundation
import Glibc
import Testing
@testable import ModuleStore

/// Faults of the disk under the store: nothing half-stored, a cause named,
/// missing directories recreated.
@Suite(.timeLimit(.minutes(3)))
struct StoreFaultTests {
    @Test func anUploadWhoseNameCannotBeWrittenLeavesNothingBehind() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try directory.open()
        let kept = try store.put(moduleBytes(1), name: "kept", description: Array(#"{"exports":[]}"#.utf8)).record
        // The names directory becomes unusable: the module file fits, its name does not.
        try FileManager.default.removeItem(atPath: "\(directory.path)/names")
        try directory.write(Array("not a directory".utf8), to: "names")
        let error = #expect(throws: StoreError.self) {
            try store.put(moduleBytes(2), name: "lost", description: Array(#"{"exports":[]}"#.utf8))
        }
        #expect(error?.message.contains("ENOTDIR") == true, "\(String(describing: error))")
        #expect(store.list().map(\.id) == [kept.id])
        #expect(store.resolve("lost") == nil)
        #expect(directory.files(in: "modules") == ["\(kept.id).json", "\(kept.id).wasm"])
        // ... and after a restart.
        try FileManager.default.removeItem(atPath: "\(directory.path)/names")
        let reopened = try directory.open()
        #expect(reopened.list().map(\.id) == [kept.id])
    }

    @Test func aDeletedDataDirectoryIsRecreatedAndItsModulesAreNoLongerListed() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try directory.open()
        _ = try store.put(moduleBytes(3), name: "gone")
        try FileManager.default.removeItem(atPath: directory.path)
        #expect(store.health().state == "ok")
        #expect(store.list().isEmpty)
        #expect(store.resolve("gone") == nil)
        let record = try store.put(moduleBytes(4), name: "fresh").record
        #expect(store.list() == [record])
        #expect(directory.files(in: "modules") == ["\(record.id).wasm"])
        #expect(directory.files(in: "names") == ["fresh"])
    }

    @Test func writesAfterTheDirectoryVanishedRecoverWithoutAHealthCheck() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try directory.open()
        let old = try store.put(moduleBytes(5), name: nil).record
        try FileManager.default.removeItem(atPath: directory.path)
        #expect(throws: StoreError.notFound(old.id)) { try store.delete(old.id) }
        let record = try store.put(moduleBytes(6), name: "again").record
        #expect(store.list() == [record])
    }

    @Test func descriptionsAreStoredNextToTheBytesAndSurviveARestart() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try directory.open()
        let description = Array(#"{"exports":[{"name":"f"}],"imports":[]}"#.utf8)
        let record = try store.put(moduleBytes(7), name: "d", description: description).record
        #expect(record.description == description)
        #expect(try directory.open().resolve("d")?.description == description)
        _ = try store.delete("d")
        #expect(directory.files(in: "modules").isEmpty)
        // A description left without its binary (a crash mid-delete) is removed at start.
        try directory.write(description, to: "modules/\(record.id).json")
        _ = try directory.open()
        #expect(directory.files(in: "modules").isEmpty)
    }

    @Test func errnoValuesBecomeNamedCauses() {
        #expect(DurableFile.failure("write", ENOSPC) == .storageFull("the module store's disk is full (ENOSPC: No space left on device)"))
        guard case .unavailable(let readOnly) = DurableFile.failure("rename", EROFS) else {
            Issue.record("EROFS is not unavailable")
            return
        }
        #expect(readOnly.contains("read-only (EROFS"))
        guard case .unavailable = DurableFile.failure("create a file", EACCES) else {
            Issue.record("EACCES is not unavailable")
            return
        }
    }
}
