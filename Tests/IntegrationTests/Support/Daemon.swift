import TestSupport
import Foundation
import Glibc

/// The real daemon, started as a process on an ephemeral port with its own data dir.
final class Daemon: @unchecked Sendable {
    // Safety: used from one test at a time; `process` is only read after start.
    let dataDirectory: String
    let environment: [String: String]
    private(set) var process: Process?
    private(set) var port: UInt16 = 0
    let logPath: String
    let configPath: String

    /// Starts a daemon; `environment` adds WASMHOST_* settings, `configPath` replaces
    /// the project's config/wasmhost.yaml.
    init(
        dataDirectory: String = Paths.temporaryDirectory(), environment: [String: String] = [:],
        configPath: String = Paths.root + "/config/wasmhost.yaml"
    ) throws {
        self.dataDirectory = dataDirectory
        self.environment = environment
        self.logPath = dataDirectory + ".log"
        self.configPath = configPath
        try start()
    }

    deinit { stop() }

    /// Starts (or restarts) the process and waits for its port.
    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.binary)
        process.arguments = ["serve", "--listen", "127.0.0.1:0", "--data-dir", dataDirectory,
                             "--config", configPath]
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("WASMHOST_") }
        env["WASMHOST_SANDBOX_ENGINE"] = TestEngine.name
        env.merge(environment) { $1 }
        process.environment = env
        let output = Pipe()
        process.standardOutput = output
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: logPath)
        try process.run()
        self.process = process
        // The first stdout line names the port: "wasmhost listening on 127.0.0.1:PORT".
        var line: [UInt8] = []
        let handle = output.fileHandleForReading
        while !line.contains(0x0A) {
            let chunk = handle.availableData
            if chunk.isEmpty { throw TestFailure("daemon exited early: \(log)") }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let colon = text.lastIndex(of: ":"),
            let port = UInt16(text[text.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw TestFailure("unexpected first line: \(text)") }
        self.port = port
    }

    /// What the daemon logged so far.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits until the log contains `text` (lines are written in batches, at
    /// least every 100 ms); false after `seconds`.
    func logEventually(contains text: String, seconds: Double = 10) -> Bool {
        Poll.until(seconds: seconds, every: 0.02) { log.contains(text) }
    }

    var isRunning: Bool { process?.isRunning ?? false }

    /// Sends `signal` to the daemon.
    func send(_ signal: Int32) {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, signal)
    }

    /// Polls until `condition` holds or `seconds` pass; returns whether it held.
    func waitFor(seconds: Double = 10, _ condition: () -> Bool) -> Bool {
        Poll.until(seconds: seconds, every: 0.02, condition)
    }

    /// `kill -9`.
    func kill9() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then waits; returns the exit status.
    @discardableResult
    func terminate() -> Int32 {
        guard let process else { return -1 }
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    func stop() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// A new connection to the daemon.
    func connect(timeoutSeconds: Int = 30) throws -> RawHTTP { try RawHTTP(port: port, timeoutSeconds: timeoutSeconds) }

    /// One request on a new connection.
    func request(_ method: String, _ path: String, body: [UInt8] = [], headers: [String] = []) throws -> WireResponse {
        try connect().request(method, path, body: body, headers: headers)
    }

    func request(_ method: String, _ path: String, json: String, headers: [String] = []) throws -> WireResponse {
        try request(method, path, body: Array(json.utf8), headers: headers)
    }

    /// Uploads a module file (optionally named); returns the answer.
    func upload(_ path: String, name: String? = nil) throws -> WireResponse {
        try request("POST", "/v1/modules" + (name.map { "?name=\($0)" } ?? ""), body: Paths.read(path))
    }

    /// Uploads WAT text; returns the module id.
    func uploadText(_ wat: String, name: String? = nil) throws -> String {
        let answer = try request("POST", "/v1/modules" + (name.map { "?name=\($0)" } ?? ""), body: Array(wat.utf8))
        guard answer.status == 201 || answer.status == 200, let id = answer.json["id"] as? String else {
            throw TestFailure("upload failed: \(answer.status) \(answer.text)")
        }
        return id
    }

    /// Invokes an export with a JSON body.
    func invoke(_ ref: String, _ export: String, _ body: String = "{}") throws -> WireResponse {
        try request("POST", "/v1/modules/\(ref)/invoke/\(export)", json: body)
    }

    /// Resident set size of the daemon in KiB.
    var rssKiB: Int {
        guard let process, let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        else { return 0 }
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}
