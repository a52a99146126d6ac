import ArgumentParser
import Foundation
import HTTPServer
import Service

/// `wasmhost check FILE`: validate a module and print its description.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a module (.wasm or .wat) and print its description as JSON.",
        discussion: "Exits 0 when the module would be accepted, 1 with the problem JSON when not.")

    @Argument(help: "The module file.")
    var file: String

    func run() throws {
        let uploaded = try ModuleFile.upload(file) { _, _ in }
        ModuleFile.print(uploaded)
    }
}

/// What `check` and `run` share: read a module file, upload it through the
/// service's own path into a throwaway store, print answers.
enum ModuleFile {
    /// Uploads `path`; on success hands the runner and the module id to `body`
    /// (the store is removed afterwards). Returns the upload's answer.
    @discardableResult
    static func upload(_ path: String, then body: (_ runner: LocalRunner, _ id: String) throws -> Void) throws -> HTTPResponse {
        LogSetup.bootstrap(format: "text", level: "error")
        guard let data = FileManager.default.contents(atPath: path) else {
            FileHandle.standardError.write(Data("wasmhost: cannot read \(path)\n".utf8))
            throw ExitCode(1)
        }
        let runner = try LocalRunner()
        defer { runner.close() }
        let uploaded = runner.upload(Array(data))
        guard uploaded.status < 300,
            let description = try? JSONSerialization.jsonObject(with: Data(uploaded.body)) as? [String: Any],
            let id = description["id"] as? String
        else {
            print(uploaded)
            throw ExitCode(1)
        }
        try body(runner, id)
        return uploaded
    }

    /// Prints an answer's body on stdout; a problem exits 1.
    static func print(_ response: HTTPResponse) {
        FileHandle.standardOutput.write(Data(response.body + [0x0A]))
    }
}
