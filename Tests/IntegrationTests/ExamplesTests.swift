import Foundation
import Testing

/// Every curl script in examples/curl runs against a live daemon, with and without auth.
@Suite(.timeLimit(.minutes(3)))
struct ExamplesTests {
    private func run(_ script: String, daemon: Daemon, token: String? = nil) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["\(Paths.root)/examples/curl/\(script)"]
        var environment = ProcessInfo.processInfo.environment
        environment["WASMHOST_URL"] = "http://127.0.0.1:\(daemon.port)"
        environment["WASMHOST_TOKEN"] = token
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test func everyScriptRunsAgainstALiveDaemon() throws {
        let daemon = try Daemon()
        let (status, output) = try run("run-all.sh", daemon: daemon)
        #expect(status == 0, "\(output)")
        let scripts = try FileManager.default.contentsOfDirectory(atPath: "\(Paths.root)/examples/curl")
            .filter { $0.hasSuffix(".sh") && !$0.hasPrefix("_") && $0 != "run-all.sh" }
        let runAll = try String(contentsOfFile: "\(Paths.root)/examples/curl/run-all.sh", encoding: .utf8)
        for script in scripts { #expect(runAll.contains(script), "run-all.sh does not run \(script)") }
    }

    @Test func scriptsSendTheTokenWhenAuthIsOn() throws {
        let daemon = try Daemon(environment: ["WASMHOST_TOKEN": "s3cret"])
        #expect(try run("run-all.sh", daemon: daemon, token: "s3cret").0 == 0)
        #expect(try run("list.sh", daemon: daemon).0 != 0)
    }

    @Test func everyExampleModuleIsAccepted() throws {
        let daemon = try Daemon()
        let modules = try FileManager.default.contentsOfDirectory(atPath: "\(Paths.root)/examples/modules")
        for module in modules where module.hasSuffix(".wat") {
            let answer = try daemon.upload(Paths.example(module))
            #expect(answer.status == 201, "\(module): \(answer.text)")
        }
    }

    @Test func theCLIRunsAModuleOnceWithoutAServer() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.binary)
        process.arguments = ["run", "--invoke", "add", Paths.example("add.wat"), "1", "2"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text.hasPrefix("{\"results\":[3],"), "\(text)")
    }
}
