import TestSupport
import Foundation

/// A finished child process: exit status and what it wrote.
struct CommandResult {
    let status: Int32
    let stdout: [UInt8]
    let stderr: [UInt8]
    var out: String { String(decoding: stdout, as: UTF8.self) }
    var err: String { String(decoding: stderr, as: UTF8.self) }
    /// stdout as a JSON object (empty when it is not one).
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(stdout))) as? [String: Any] ?? [:] }
}

enum Command {
    /// Runs `executable` with `arguments`, feeding `stdin`, and waits for it.
    /// `environment` replaces the child's environment when given.
    static func run(
        _ executable: String, _ arguments: [String], stdin: [UInt8] = [], environment: [String: String]? = nil
    ) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Drain both pipes while the child runs, so that neither fills up and blocks it.
        let collected = CollectedOutput()
        let group = DispatchGroup()
        for (pipe, isError) in [(output, false), (errors, true)] {
            DispatchQueue.global().async(group: group) {
                collected.set(Array(pipe.fileHandleForReading.readDataToEndOfFile()), isError: isError)
            }
        }
        try? input.fileHandleForWriting.write(contentsOf: stdin)
        try? input.fileHandleForWriting.close()
        group.wait()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, stdout: collected.stdout, stderr: collected.stderr)
    }

    /// `wasmhost ARGS…`.
    static func wasmhost(_ arguments: [String], stdin: [UInt8] = [], environment: [String: String]? = nil) throws -> CommandResult {
        // A replaced environment still runs on this test run's engine, unless it names one.
        let environment = environment.map { $0.merging(["WASMHOST_SANDBOX_ENGINE": TestEngine.name]) { given, _ in given } }
        return try run(Paths.binary, arguments, stdin: stdin, environment: environment)
    }

    /// `curl -s ARGS… URL` against the daemon; the answer's status and body.
    static func curl(_ daemon: Daemon, _ path: String, _ arguments: [String]) throws -> (status: Int, body: String, json: [String: Any]) {
        let result = try run("/usr/bin/env", ["curl", "-s", "-w", "\n%{http_code}"] + arguments + ["http://127.0.0.1:\(daemon.port)\(path)"])
        let text = result.out
        let split = text.lastIndex(of: "\n") ?? text.endIndex
        let body = String(text[..<split])
        let json = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        return (Int(text[split...].dropFirst()) ?? 0, body, json)
    }
}

/// Output gathered from two reader threads.
private final class CollectedOutput: @unchecked Sendable {
    // Safety: both members are only touched with `lock` held.
    private let lock = NSLock()
    private var out: [UInt8] = []
    private var err: [UInt8] = []

    func set(_ bytes: [UInt8], isError: Bool) {
        lock.lock()
        if isError { err = bytes } else { out = bytes }
        lock.unlock()
    }

    var stdout: [UInt8] { lock.lock(); defer { lock.unlock() }; return out }
    var stderr: [UInt8] { lock.lock(); defer { lock.unlock() }; return err }
}
