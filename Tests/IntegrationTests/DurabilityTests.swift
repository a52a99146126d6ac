import Foundation
import Testing

/// What survives a crash, and what the start-up scan does with damage.
@Suite(.timeLimit(.minutes(3)))
struct DurabilityTests {
    @Test func aModuleAcknowledgedBeforeKillMinus9IsThereAfterRestart() throws {
        let daemon = try Daemon()
        let bytes = try Paths.read(Paths.fixture("wasi/args_env.wasm"))
        let answer = try daemon.request("POST", "/v1/modules?name=prog", body: bytes)
        #expect(answer.status == 201)
        let id = try #require(answer.json["id"] as? String)
        daemon.kill9()
        try daemon.start()
        let listed = try daemon.request("GET", "/v1/modules")
        let modules = try #require(listed.json["modules"] as? [[String: Any]])
        #expect(modules.map { $0["id"] as? String } == [id])
        #expect(modules.first?["names"] as? [String] == ["prog"])
        #expect(try Paths.read("\(daemon.dataDirectory)/modules/\(id).wasm") == bytes)
        let run = try daemon.invoke("prog", "_start")
        #expect(run.status == 200)
    }

    @Test func aCorruptedFileIsMovedAsideAndTheDaemonStillStarts() throws {
        let daemon = try Daemon()
        let good = try daemon.uploadText("(module (func (export \"a\")))")
        let bad = try daemon.uploadText("(module (func (export \"b\")))", name: "bee")
        daemon.kill9()
        // Flip a byte: the file no longer hashes to its name.
        let path = "\(daemon.dataDirectory)/modules/\(bad).wasm"
        var bytes = try Paths.read(path)
        bytes[bytes.count - 1] ^= 0xff
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        // Debris of a crash mid-write.
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: "\(daemon.dataDirectory)/modules/.tmp-leftover"))
        try daemon.start()
        #expect(try daemon.request("GET", "/healthz").status == 200)
        let modules = try #require(try daemon.request("GET", "/v1/modules").json["modules"] as? [[String: Any]])
        #expect(modules.map { $0["id"] as? String } == [good])
        #expect(try daemon.request("GET", "/v1/modules/\(bad)").status == 404)
        #expect(try daemon.request("GET", "/v1/modules/bee").status == 404)
        let quarantined = try FileManager.default.contentsOfDirectory(atPath: "\(daemon.dataDirectory)/quarantine")
        #expect(quarantined.count == 1 && quarantined[0].hasPrefix(bad))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: "\(daemon.dataDirectory)/modules")
        #expect(leftovers.sorted() == ["\(good).json", "\(good).wasm"], "the bad module's description goes with it")
        #expect(daemon.logEventually(contains: "quarantine"))
    }

    @Test func aSecondDaemonCannotShareThePort() throws {
        let daemon = try Daemon()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.binary)
        process.arguments = ["serve", "--listen", "127.0.0.1:\(daemon.port)", "--data-dir", Paths.temporaryDirectory()]
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(message.contains("http.listen"))
    }

    @Test func badConfigurationExitsWithAMessageNamingTheKey() throws {
        for (key, value) in [("WASMHOST_LIMITS_MAX_CONCURRENT", "lots"), ("WASMHOST_HTTP_LISTEN", "nowhere"),
                             ("WASMHOST_LIMITS_MAX_REENTRANCY_DEPTH", "100000"), ("WASMHOST_LOG_FORMAT", "xml")] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Paths.binary)
            process.arguments = ["serve", "--data-dir", Paths.temporaryDirectory()]
            process.environment = [key: value]
            process.standardOutput = FileHandle.nullDevice
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            process.waitUntilExit()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus != 0)
            let dotted = key.dropFirst("WASMHOST_".count).lowercased()
            let expectedKey = dotted.replacingOccurrences(of: "_", with: ".", options: [], range: dotted.range(of: "_"))
            #expect(message.contains(expectedKey), "\(message)")
            #expect(message.split(separator: "\n").count == 1, "\(message)")
        }
    }

    @Test func ipv6ListenAddressesWork() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.binary)
        process.arguments = ["serve", "--listen", "[::1]:0", "--data-dir", Paths.temporaryDirectory()]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        #expect(line.contains("[::1]:"), "\(line)")
    }
}
