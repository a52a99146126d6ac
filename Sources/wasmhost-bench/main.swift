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
import Foundation
import Logging

/// Command-line options.
struct Options: Sendable {
    var root = FileManager.default.currentDirectoryPath
    var scale = 1.0
    var profileCount: Int?
    var recycled = false
    var module = "add"
    var engines = false

    static func parse(_ words: [String]) -> Options? {
        var options = Options()
        var words = words[...]
        while let flag = words.popFirst() {
            switch flag {
            case "--root": options.root = words.popFirst() ?? options.root
            case "--scale": options.scale = words.popFirst().flatMap(Double.init) ?? options.scale
            case "--profile": options.profileCount = words.popFirst().flatMap(Int.init) ?? 2000
            case "--recycled": options.recycled = true
            case "--engines": options.engines = true
            case "--module": options.module = words.popFirst() ?? options.module
            default: return nil
            }
        }
        return options
    }
}

/// The exit status, written by the bench thread before it signals.
final class Outcome: @unchecked Sendable {
    // Safety: written once on the bench thread before `done.signal()`, read after `done.wait()`.
    var status: Int32 = 0
    let done = DispatchSemaphore(value: 0)
}

LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
guard let options = Options.parse(Array(CommandLine.arguments.dropFirst())) else {
    FileHandle.standardError.write(Data("usage: wasmhost-bench [--root DIR] [--scale X] [--engines] [--profile N [--recycled] [--module add|countdown|hello|chain|fib]]\n".utf8))
    exit(2)
}
let outcome = Outcome()
let thread = Thread {
    let bench = InProcessBench(root: options.root, scale: options.scale)
    do {
        if options.engines {
            try EngineComparison(bench: bench).run()
        } else if let count = options.profileCount {
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
