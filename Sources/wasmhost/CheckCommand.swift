import ArgumentParser
import Foundation
import Service

/// `wasmhost check FILE`: validate a module and describe it.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a module (.wasm or .wat) and print its exports and imports.",
        discussion: "Exits 0 when the daemon would accept the module, 1 with the reason when not.")

    @Flag(help: "Print the module description (or the problem) as the API's JSON.")
    var json = false

    @Argument(help: "The module file.")
    var file: String

    func run() throws {
        let module = try ModuleFile.load(file, problemAsJSON: json)
        module.runner.close()
        if json {
            ModuleFile.print(module.response)
        } else {
            FileHandle.standardOutput.write(Data(ModuleSummary.text(of: module.description, file: file).utf8))
        }
    }
}
