import Foundation
import Glibc
import Synchronization
import Testing

/// Signals, shutdown with work in flight, and the store underneath a running daemon.
@Suite(.timeLimit(.minutes(3)))
struct LifecycleTests {
    /// Spins until its fuel or deadline ends it.
    static let spinner = "(module (func (export \"spin\") (loop (br 0))))"

    private func metric(_ daemon: Daemon, _ series: String) -> Double? {
        guard let text = try? daemon.request("GET", "/metrics").text else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    /// SIGTERM, then the process must end by itself with status 0 (never SIGABRT).
    private func expectCleanExitAfterSIGTERM(_ daemon: Daemon) throws {
        daemon.send(SIGTERM)
        let process = try #require(daemon.process)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit, "killed by a signal: \(process.terminationStatus)")
        #expect(process.terminationStatus == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func sigtermAnswersAnInvocationPastTheGraceWith503AndExitsZero() throws {
        // Fuel far above what 8 s of spinning burns on either engine: the deadline, not fuel, must be what is pending.
        let daemon = try Daemon(environment: [
            "WASMHOST_SHUTDOWN_GRACE_SECONDS": "1", "WASMHOST_LIMITS_FUEL": "1000000000000000",
        ])
        let id = try daemon.uploadText(Self.spinner)
        let answer = Mutex<String?>(nil)
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let response = try? daemon.invoke(id, "spin", "{\"timeout_ms\":8000}")
            answer.withLock { $0 = response?.json["code"] as? String ?? "no answer: \(response?.status ?? 0)" }
            finished.signal()
        }
        #expect(daemon.waitFor { (metric(daemon, "wasmhost_invocations_running") ?? 0) >= 1 })
        try expectCleanExitAfterSIGTERM(daemon)
        finished.wait()
        #expect(answer.withLock { $0 } == "not_ready")
    }

    @Test(.timeLimit(.minutes(2)))
    func sigtermWithAnUploadInFlightExitsZeroAndKeepsWhatItAcknowledged() throws {
        let daemon = try Daemon()
        // Many exports: assembling and validating it keeps the upload busy for a while.
        let exports = (0..<3_000).map { "(func (export \"e\($0)\") (result i32) i32.const \($0))" }.joined(separator: "\n")
        let wat = "(module \(exports))"
        let answer = LockedArray()
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let response = try? daemon.connect(timeoutSeconds: 90).request("POST", "/v1/modules?name=big", body: Array(wat.utf8))
            answer.append(response?.status ?? 0)
            finished.signal()
        }
        // The body (200 KB) is on its way; give the server the moment it needs to take
        // it whole. Assembling and validating it then takes seconds in a debug build.
        usleep(1_000_000)
        try expectCleanExitAfterSIGTERM(daemon)
        finished.wait()
        let status = answer.values.first ?? 0
        #expect(status == 201 || status == 503, "\(status)")
        try daemon.start()
        let listed = try daemon.request("GET", "/v1/modules").json["modules"] as? [[String: Any]] ?? []
        if status == 201 {
            #expect(listed.count == 1)
            #expect(try daemon.request("GET", "/v1/modules/big").status == 200)
        }
        daemon.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func sighupReloadsTheTokenAndRefusesABadFileAndOtherSignalsAreIgnored() throws {
        let configPath = Paths.temporaryDirectory() + ".yaml"
        func configure(_ text: String) throws { try text.write(toFile: configPath, atomically: true, encoding: .utf8) }
        try configure("auth:\n  token: \"first\"\nlog:\n  level: info\n")
        let daemon = try Daemon(configPath: configPath)
        func status(_ token: String) -> Int {
            (try? daemon.request("GET", "/v1/modules", headers: ["Authorization: Bearer \(token)"]).status) ?? 0
        }
        #expect(status("first") == 200)
        #expect(status("second") == 401)

        try configure("auth:\n  token: \"second\"\nlog:\n  level: warning\nlimits:\n  max_concurrent: 7\n")
        daemon.send(SIGHUP)
        #expect(daemon.waitFor { status("second") == 200 })
        #expect(status("first") == 401)
        #expect(daemon.waitFor { daemon.log.contains("configuration reloaded") })
        #expect(daemon.log.contains("auth.token: changed"))
        #expect(daemon.log.contains("log.level: info -> warning"))
        #expect(daemon.log.contains("limits.max_concurrent"), "a key that needs a restart is named")
        #expect(!daemon.log.contains("second"), "the token is never logged")

        try configure("limits:\n  fuel: lots\n")
        daemon.send(SIGHUP)
        #expect(daemon.waitFor { daemon.log.contains("configuration refused") })
        #expect(status("second") == 200)

        for signal in [SIGUSR1, SIGUSR2] { daemon.send(signal) }
        #expect(daemon.waitFor { daemon.log.components(separatedBy: "signal ignored").count == 3 })
        #expect(daemon.isRunning)
        #expect(status("second") == 200)
        #expect(daemon.terminate() == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func listingAfterARestartCompilesNothingAndOldStoresGetTheirDescriptions() throws {
        let daemon = try Daemon()
        var ids: [String] = []
        for index in 0..<3 {
            ids.append(try daemon.uploadText("(module (func (export \"f\(index)\") (param i64) (result i64) local.get 0))"))
        }
        let before = try daemon.request("GET", "/v1/modules").text
        daemon.stop()
        try daemon.start()
        #expect(try daemon.request("GET", "/v1/modules").text == before)
        #expect(try daemon.request("GET", "/v1/modules/\(ids[1])").json["exports"] as? [[String: Any]] != nil)
        #expect((metric(daemon, "wasmhost_module_cache_misses_total") ?? 0) == 0, "describing compiled a module")

        // A store from before descriptions were kept: they are made once at start.
        daemon.stop()
        for id in ids { try FileManager.default.removeItem(atPath: "\(daemon.dataDirectory)/modules/\(id).json") }
        try daemon.start()
        #expect(try daemon.request("GET", "/v1/modules").text == before)
        for id in ids { #expect(FileManager.default.fileExists(atPath: "\(daemon.dataDirectory)/modules/\(id).json")) }
        daemon.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func aDataDirectoryDeletedWhileRunningIsRecreated() throws {
        let daemon = try Daemon()
        _ = try daemon.uploadText("(module (func (export \"a\")))", name: "old")
        try FileManager.default.removeItem(atPath: daemon.dataDirectory)
        let upload = try daemon.request("POST", "/v1/modules?name=new", body: Array("(module (func (export \"b\")))".utf8))
        #expect(upload.status == 201, "\(upload.text)")
        let listed = try daemon.request("GET", "/v1/modules").json["modules"] as? [[String: Any]] ?? []
        #expect(listed.map { $0["names"] as? [String] ?? [] } == [["new"]])
        #expect(try daemon.request("GET", "/v1/modules/old").status == 404)
        let ready = try daemon.request("GET", "/readyz")
        #expect(ready.status == 200)
        #expect(ready.json["store"] as? String == "ok")
    }
}
