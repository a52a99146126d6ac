import ArgumentParser

/// The `wasmhost` executable.
@main
struct WasmhostCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wasmhost",
        abstract: "A WebAssembly execution service: store modules over HTTP and run their exports.",
        subcommands: [ServeCommand.self, CheckCommand.self, RunCommand.self],
        defaultSubcommand: ServeCommand.self)
}
