// wasmhost-bench: the in-process half of `make bench` (scripts/bench.sh runs it).
//
//   wasmhost-bench [--root DIR] [--scale X]   markdown table rows on stdout
//   wasmhost-bench --engines [--root DIR] [--scale X]
//                                             WasmKit and Wasmtime side by side (tab-separated rows
//                                             for scripts/bench/engines_table.py)
//   wasmhost-bench --profile N [--recycled] [--module NAME]
//                                             only N production invocations of one module (add by
//                                             default) for callgrind; fresh instances unless --recycled
//
// Everything runs on one thread with the worker threads' 8 MiB stack, as in the daemon.
import ArgumentParser
import Foundation
import Logging

/// The command line, parsed by ArgumentParser.
struct BenchOptions: ParsableCommand {
    @Option(help: "The repository root (examples/modules and Tests/Fixtures are read from it).")
    var root = FileManager.default.currentDirectoryPath
    @Option(help: "Multiplies every sample count.")
    var scale = 1.0
    @Option(help: "Only this many production invocations of one module, for callgrind.")
    var profile: Int?
    @Flag(help: "With --profile: recycled instances instead of fresh ones.")
    var recycled = false
    @Option(help: "With --profile: the module (add, countdown, hello, chain or fib).")
    var module = "add"
    @Flag(help: "WasmKit and Wasmtime side by side: tab-separated rows for scripts/bench/engines_table.py.")
    var engines = false

    static let configuration = CommandConfiguration(
        commandName: "wasmhost-bench", abstract: "The in-process half of `make bench`: markdown table rows on stdout.")

    func validate() throws {
        guard scale > 0 else { throw ValidationError("--scale must be positive") }
        if let profile, profile < 1 { throw ValidationError("--profile must be at least 1") }
        guard ["add", "countdown", "hello", "chain", "fib"].contains(module) else {
            throw ValidationError("--module must be add, countdown, hello, chain or fib")
        }
        if profile == nil && (recycled || module != "add") { throw ValidationError("--recycled and --module need --profile") }
    }
}

/// The exit status, written by the bench thread before it signals.
final class Outcome: @unchecked Sendable {
    // Safety: written once on the bench thread before `done.signal()`, read after `done.wait()`.
    var status: Int32 = 0
    let done = DispatchSemaphore(value: 0)
}

LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
let options = BenchOptions.parseOrExit()
let outcome = Outcome()
let thread = Thread {
    let bench = InProcessBench(root: options.root, scale: options.scale)
    do {
        if options.engines {
            try EngineComparison(bench: bench).run()
        } else if let count = options.profile {
            try bench.profile(iterations: count, recycled: options.recycled, module: options.module)
        } else {
            try bench.run()
            print("| # | measurement | median | p99 | samples | note |")
            print("|---|---|---:|---:|---:|---|")
            for row in bench.rows { print(row) }
        }
    } catch {
        FileHandle.standardError.write(Data("wasmhost-bench: \(error)\n".utf8))
        outcome.status = 1
    }
    outcome.done.signal()
}
thread.stackSize = 8 << 20
thread.start()
outcome.done.wait()
exit(outcome.status)
