import ArgumentParser
import Foundation
import Service

/// `wasmhost run FILE --invoke EXPORT [ARGS...]`: run a module once, no server.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one export of a module once, with the daemon's sandbox, limits and output JSON.",
        discussion: "Arguments use the API's value syntax: 1, -0.0, nan, inf, 0x10, '{\"bits\":\"0x7fc00001\"}'.")

    @Argument(help: "The module file (.wasm or .wat).")
    var file: String

    @Option(help: "The export to call.")
    var invoke: String

    @Option(help: "Text for host.input_size / host.input_read.")
    var input: String?

    @Argument(parsing: .allUnrecognized, help: "Arguments of the export.")
    var arguments: [String] = []

    func run() throws {
        try ModuleFile.upload(file) { runner, id in
            let body = LocalRunner.invokeBody(arguments: arguments.filter { $0 != "--" }, input: input)
            let answer = runner.invoke(id: id, export: invoke, body: body)
            ModuleFile.print(answer)
            if answer.status >= 300 { throw ExitCode(1) }
        }
    }
}
