import Foundation
import Testing

/// Compile once (Wasmtime): compiled code is kept in the data directory, a
/// restart loads it, and a damaged or foreign artifact is recompiled, never loaded.
@Suite(.timeLimit(.minutes(3)))
struct ArtifactTests {
    static let wat = """
        (module (memory (export "memory") 1) (data (i32.const 0) "\\2a")
          (func (export "answer") (result i32) (i32.load8_u (i32.const 0))))
        """

    func artifacts(of daemon: Daemon) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: daemon.dataDirectory + "/artifacts")) ?? [])
            .filter { $0.hasSuffix(".cwasm") }
    }

    @Test(.enabled(if: !TestEngine.isWasmKit), .timeLimit(.minutes(1)))
    func anUploadLeavesAnArtifactThatARestartLoads() throws {
        let daemon = try Daemon()
        let id = try daemon.uploadText(Self.wat)
        let files = artifacts(of: daemon)
        #expect(files.count == 1)
        #expect(files.first?.hasPrefix("\(id)-wasmtime-50.0.1-") == true)
        daemon.stop()
        try daemon.start()
        #expect(try daemon.invoke(id, "answer").json["results"] as? [Int] == [42])
        #expect(artifacts(of: daemon) == files)
    }

    @Test(.enabled(if: !TestEngine.isWasmKit), .timeLimit(.minutes(1)))
    func aTamperedOrForeignArtifactIsRecompiledNeverLoaded() throws {
        let daemon = try Daemon()
        let id = try daemon.uploadText(Self.wat)
        let name = try #require(artifacts(of: daemon).first)
        let path = daemon.dataDirectory + "/artifacts/" + name
        daemon.stop()
        // Flip one byte of the code: the MAC no longer matches.
        var bytes = try Paths.read(path)
        bytes[bytes.count / 2] ^= 0xff
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        // An artifact of another Wasmtime version has another name and is ignored.
        let foreign = daemon.dataDirectory + "/artifacts/\(id)-wasmtime-1.0.0-x.cwasm"
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: foreign))
        try daemon.start()
        #expect(try daemon.invoke(id, "answer").json["results"] as? [Int] == [42])
        // Recompiled and written again with a valid MAC.
        #expect(try Paths.read(path) != bytes)
        daemon.stop()
        try daemon.start()
        #expect(try daemon.invoke(id, "answer").json["results"] as? [Int] == [42])
    }

    @Test(.enabled(if: !TestEngine.isWasmKit), .timeLimit(.minutes(1)))
    func deletingAModuleRemovesItsArtifact() throws {
        let daemon = try Daemon()
        let id = try daemon.uploadText(Self.wat)
        #expect(artifacts(of: daemon).count == 1)
        #expect(try daemon.request("DELETE", "/v1/modules/\(id)").status == 204)
        #expect(artifacts(of: daemon).isEmpty)
    }
}
