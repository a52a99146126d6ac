import Foundation
import Sandbox

/// `wasmhost-bench --engines`: the in-process rows of the engine table, WasmKit
/// and Wasmtime through the same `Invoker.run` with a fresh store and instance
/// per invocation (`sandbox.recycle_instances: false`, so both engines do the
/// same work), measured in alternating rounds so that both see the same load.
///
/// Prints one tab-separated line per row: `id`, what, WasmKit median µs,
/// Wasmtime median µs, samples per engine (scripts/bench/engines_table.py
/// renders them with the HTTP rows and the targets).
struct EngineComparison {
    let bench: InProcessBench
    let rounds = 3

    struct Side {
        let engine: SandboxEngine
        let path: SandboxPath
        let modules: InProcessBench.Modules
        let fib: CompiledModule
        let addMemory: CompiledModule
        let trap: CompiledModule
    }

    func run() throws {
        let sides = try [SandboxEngine.wasmkit, .wasmtime].map { engine in
            // Fuel and deadline far away: fib(30) runs 24 ms on WasmKit in a release build, seconds in a debug one.
            let limits = Limits(fuel: 100_000_000_000, timeoutMilliseconds: 600_000)
            let path = SandboxPath(
                name: engine.rawValue,
                configuration: SandboxConfiguration(limits: limits, recycleInstances: false, engine: engine))
            return Side(
                engine: engine, path: path, modules: try InProcessBench.Modules(path, bench: bench),
                fib: try path.compiled(try bench.bytes("scripts/bench/fib_recursive.wat")).module,
                addMemory: try path.compiled(Array(InProcessBench.addMemoryWAT.utf8)).module,
                trap: try path.compiled(try bench.bytes("examples/modules/trap.wat")).module)
        }
        try emit("fib30", "recursive `fib(30)` via `Invoker.run`", sides, samples: (4, 20)) { side in
            try side.path.invoke(side.fib, "fib", [.i64(30)], directory: side.modules.directory)
        }
        try emit("add", "`add(1,2)`: new store + instantiate + call (`Invoker.run`)", sides, samples: (4000, 4000)) { side in
            try side.path.invoke(side.modules.add, "add", [.i32(1), .i32(2)], directory: side.modules.directory)
        }
        try emit("add_memory", "same, module with a 1-page memory", sides, samples: (4000, 4000)) { side in
            try side.path.invoke(side.addMemory, "add", [.i32(1), .i32(2)], directory: side.modules.directory)
        }
        try emit("chain", "chain.wasm (98 KB): fresh instance + `run()` through 200 functions", sides, samples: (15, 600)) { side in
            try side.path.invoke(side.modules.chain, "run", [], directory: side.modules.directory)
        }
        try crossing(sides)
        try emit("wasi_hello", "WASI hello `_start`, fresh", sides, samples: (200, 1000)) { side in
            try side.path.invoke(side.modules.hello, "_start", [], directory: side.modules.directory)
        }
        try component(sides)
        try runaway(sides)
        try emit("chain_compile", "chain.wasm upload: `ModuleCompiler.compile` (Wasmtime: Cranelift)", sides, samples: (5, 5)) { side in
            _ = try side.path.compiler.compile(binary: side.modules.chainBytes, id: "bench-\(UInt64.random(in: 0...UInt64.max))")
        }
    }

    /// Issue 13's in-process row, Wasmtime only (WasmKit runs no components):
    /// `greet("world")` on a small component, a new store + instantiate + call + lift.
    func component(_ sides: [Side]) throws {
        guard let side = sides.first(where: { $0.engine == .wasmtime }) else { return }
        let greeter = try side.path.compiled(try bench.bytes("Tests/Fixtures/components/strings.wat")).module
        let request = InvocationRequest(
            component: "greet", arguments: [.string("world")], limits: side.path.configuration.limits)
        var samples: [UInt64] = []
        for _ in 0..<rounds {
            samples += try Self.samples(bench.iterations(4000)) {
                guard case .success = side.path.invoker.run(request, module: greeter, directory: side.modules.directory) else {
                    throw BenchFailure("greet failed")
                }
            }
        }
        let what = "component `greet(\"world\")`: new store + instantiate + call + lift (`Invoker.run`; Wasmtime only)"
        print("component_greet\t\(what)\tnan\t\(Summary(samples).median)\t–/\(samples.count)")
    }

    /// One row: `rounds` alternating rounds per engine, the median of all samples.
    func emit(
        _ id: String, _ what: String, _ sides: [Side], samples: (wasmKit: Int, wasmtime: Int), _ body: (Side) throws -> Void
    ) throws {
        var all: [[UInt64]] = [[], []]
        for _ in 0..<rounds {
            for (index, side) in sides.enumerated() {
                let count = bench.iterations(side.engine == .wasmkit ? samples.wasmKit : samples.wasmtime)
                all[index] += try Self.samples(count) { try body(side) }
            }
        }
        let medians = all.map { Summary($0).median }
        print("\(id)\t\(what)\t\(medians[0])\t\(medians[1])\t\(all[0].count)/\(all[1].count)")
    }

    /// `host.call` crossing: (down(60) − down(0)) / 60 from countdown.wat, alternating rounds.
    func crossing(_ sides: [Side]) throws {
        var down0: [[UInt64]] = [[], []]
        var down60: [[UInt64]] = [[], []]
        for _ in 0..<rounds {
            for (index, side) in sides.enumerated() {
                let directory = side.modules.directory
                down0[index] += try Self.samples(bench.iterations(1000)) {
                    try side.path.invoke(side.modules.countdown, "down", [.i64(0)], directory: directory)
                }
                down60[index] += try Self.samples(bench.iterations(side.engine == .wasmkit ? 300 : 1000)) {
                    try side.path.invoke(side.modules.countdown, "down", [.i64(60)], directory: directory)
                }
            }
        }
        let perCrossing = (0..<2).map { (Summary(down60[$0]).median - Summary(down0[$0]).median) / 60 }
        print("crossing\tone `host.call` crossing: (`down(60)` − `down(0)`) / 60, fresh\t\(perCrossing[0])\t\(perCrossing[1])\t"
            + "\(down60[0].count)/\(down60[1].count)")
    }

    /// A runaway guest without HTTP: how long after its 50 ms deadline `Invoker.run`
    /// of `spin` returns `timeout`, p99 and median over alternating rounds.
    func runaway(_ sides: [Side]) throws {
        let deadline = 50
        var late: [[UInt64]] = [[], []]
        for _ in 0..<rounds {
            for (index, side) in sides.enumerated() {
                var limits = side.path.configuration.limits
                limits.timeoutMilliseconds = deadline
                for _ in 0..<max(3, bench.iterations(20)) {
                    let call = try ExportCall(export: "spin", arguments: [], in: side.trap.description)
                    let request = InvocationRequest(call, limits: limits)
                    let result = side.path.invoker.run(request, module: side.trap, directory: side.modules.directory)
                    guard case .failure(let failure) = result, case .timeout = failure.error else {
                        throw BenchFailure("spin on \(side.engine) did not time out: \(result)")
                    }
                    let elapsed = InvocationRequest.now() - request.receivedAt
                    late[index].append(elapsed > UInt64(deadline) * 1_000_000 ? elapsed - UInt64(deadline) * 1_000_000 : 0)
                }
            }
        }
        let summaries = late.map(Summary.init)
        print("runaway_inprocess_p99\trunaway `spin` in-process (`Invoker.run`, no HTTP): returned past its 50 ms deadline, p99\t"
            + "\(summaries[0].p99 / 1000)\t\(summaries[1].p99 / 1000)\t\(late[0].count)/\(late[1].count)\tms")
        print("runaway_inprocess_median\tsame, median\t\(summaries[0].median / 1000)\t\(summaries[1].median / 1000)\t"
            + "\(late[0].count)/\(late[1].count)\tms")
    }

    static func samples(_ count: Int, _ body: () throws -> Void) rethrows -> [UInt64] {
        try Sampler.samples(warmup: 1, iterations: count, body)
    }
}
