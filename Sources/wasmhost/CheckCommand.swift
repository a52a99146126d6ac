import ArgumentParser
import Foundation
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
        LogSetup.bootstrap(format: "text", level: "error")
        let bytes = try ModuleFile.read(file)
        let runner = try LocalRunner()
        defer { runner.close() }
        let response = runner.upload(bytes)
        FileHandle.standardOutput.write(Data(response.body + [0x0A]))
        if response.status >= 300 { throw ExitCode(1) }
    }
}

/// Reads a module file with a one-line error.
enum ModuleFile {
    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            FileHandle.standardError.write(Data("wasmhost: cannot read \(path)\n".utf8))
            throw ExitCode(1)
        }
        return Array(data)
    }
}
