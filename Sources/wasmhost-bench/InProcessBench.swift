import Foundation
import HTTPServer
import Logging
import ModuleStore
import Sandbox
import Service
import WasmKit
import WasmParser

/// Errors that end the bench: a fixture that is missing or a guest that failed.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The Sandbox's view of the bench's modules: `host.call` needs no lookup;
/// `host.invoke` finds cycle_b.wat by the name cycle_a.wat uses.
struct BenchDirectory: ModuleDirectory {
    let modules: [String: CompiledModule]
    func compiledModule(for ref: String) throws(SandboxError) -> CompiledModule? { modules[ref] }
    func label(for id: String) -> String { String(id.prefix(12)) }
}

/// One way through the Sandbox: a compiler and invoker built from one
/// configuration, and the bench's modules compiled with it.
struct SandboxPath {
    let name: String
    let configuration: SandboxConfiguration
    let compiler: ModuleCompiler
    let invoker: Invoker

    init(name: String, configuration: SandboxConfiguration) {
        self.name = name
        self.configuration = configuration
        compiler = ModuleCompiler(configuration: configuration)
        invoker = Invoker(configuration: configuration)
    }

    /// Assembles (when WAT) and compiles like an upload does.
    func compiled(_ upload: [UInt8]) throws -> (binary: [UInt8], module: CompiledModule) {
        let binary = try compiler.binary(from: upload)
        return (binary, try compiler.compile(binary: binary, id: ModuleStore.id(of: binary)))
    }

    /// One invocation; throws unless it succeeds.
    @discardableResult
    func invoke(
        _ module: CompiledModule, _ export: String, _ arguments: [WasmValue], wasi: WASIOptions = .init(),
        directory: BenchDirectory
    ) throws -> InvocationResult {
        let call = try ExportCall(export: export, arguments: arguments, in: module.description)
        let request = InvocationRequest(call, limits: configuration.limits, wasi: wasi)
        switch invoker.run(request, module: module, directory: directory) {
        case .success(let result): return result
        case .failure(let failure): throw BenchFailure("\(export) failed: \(failure.error)")
        }
    }
}

/// The in-process measurements: the production path (`Invoker.run`) with a
/// fresh store and instance per call and with recycled instances, and WasmKit
/// directly for what the Sandbox does not expose (a plain warm call, the
/// memory bounds-checking mode).
final class InProcessBench {
    let root: String
    /// Multiplies every iteration count (0.1 for a smoke run).
    let scale: Double
    /// `sandbox.recycle_instances: false`: a fresh Store + instance per invocation.
    let fresh = SandboxPath(name: "fresh", configuration: SandboxConfiguration(recycleInstances: false))
    /// The default configuration: recycled instances where the module allows it.
    let pooled = SandboxPath(name: "recycled", configuration: SandboxConfiguration())
    private(set) var rows: [String] = []

    /// Same features as the sandbox (SandboxConfiguration.features is internal).
    static let features: WasmFeatureSet = [.referenceTypes, .exceptionHandling, .simd, .tailCall]

    init(root: String, scale: Double) {
        self.root = root
        self.scale = scale
    }

    // MARK: fixtures

    func bytes(_ relative: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: root + "/" + relative) else {
            throw BenchFailure("cannot read \(relative) (run from the repository root or pass --root)")
        }
        return Array(data)
    }

    static let addWAT = """
        (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
        """
    /// add with one page of linear memory: what every C-compiled module has, and
    /// where the bounds-checking mode makes a difference at instantiation.
    static let addMemoryWAT = """
        (module (memory (export "memory") 1)
          (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
        """

    /// The bench's modules, compiled by one path.
    struct Modules {
        let add, countdown, hello, chain, cycleA, cycleB: CompiledModule
        let directory: BenchDirectory
        let chainBytes: [UInt8]

        init(_ path: SandboxPath, bench: InProcessBench) throws {
            add = try path.compiled(Array(InProcessBench.addWAT.utf8)).module
            countdown = try path.compiled(try bench.bytes("examples/modules/countdown.wat")).module
            hello = try path.compiled(try bench.bytes("Tests/Fixtures/wasi/hello.wasm")).module
            chainBytes = try bench.bytes("scripts/bench/chain.wasm")
            chain = try path.compiled(chainBytes).module
            cycleA = try path.compiled(try bench.bytes("examples/modules/cycle_a.wat")).module
            cycleB = try path.compiled(try bench.bytes("examples/modules/cycle_b.wat")).module
            directory = BenchDirectory(modules: [
                add.id: add, countdown.id: countdown, hello.id: hello, chain.id: chain,
                cycleA.id: cycleA, "cycle-b": cycleB,
            ])
        }

        /// Names the modules that got an instance pool.
        var pooledNames: String {
            [("add", add), ("countdown", countdown), ("hello", hello), ("chain", chain), ("cycle_a", cycleA), ("cycle_b", cycleB)]
                .filter { $0.1.pool != nil }.map(\.0).joined(separator: ", ")
        }
    }

    // MARK: helpers

    func iterations(_ base: Int) -> Int { max(5, Int(Double(base) * scale)) }

    func row(_ id: String, _ what: String, _ summary: Summary, note: String = "") {
        rows.append("| \(id) | \(what) | \(micros(summary.median)) | \(micros(summary.p99)) | \(summary.count) | \(note) |")
    }

    func row(_ id: String, _ what: String, value: String, note: String = "") {
        rows.append("| \(id) | \(what) | \(value) | | | \(note) |")
    }

    static func engine(bounds: EngineConfiguration.MemoryBoundsChecking) -> Engine {
        // The sandbox's configuration (see SandboxConfiguration.makeEngine) with the bounds mode varied.
        Engine(configuration: EngineConfiguration(
            compilationMode: .lazy, stackSize: 512 << 10, features: features,
            memoryBoundsChecking: bounds, fuelMetering: true))
    }

    /// A fresh metered store and instance of `module` (no imports).
    static func instantiate(_ module: Module, engine: Engine) throws -> (Store, Instance) {
        let store = Store(engine: engine)
        store.fuel = Fuel(remaining: 100_000_000)
        return (store, try module.instantiate(store: store, imports: Imports()))
    }

    static func function(_ instance: Instance, _ name: String) throws -> Function {
        guard let function = instance.exports[function: name] else { throw BenchFailure("no export \(name)") }
        return function
    }

    // MARK: the measurements

    func run() throws {
        let freshModules = try Modules(fresh, bench: self)
        let pooledModules = try Modules(pooled, bench: self)
        var chainAnswer: [WasmValue] = []
        for (path, modules) in [(fresh, freshModules), (pooled, pooledModules)] {
            // Correctness first: a fast wrong answer is no benchmark. Twice, so a recycled instance is checked too.
            for _ in 0..<2 {
                guard try path.invoke(modules.add, "add", [.i32(1), .i32(2)], directory: modules.directory).results == [.i32(3)] else {
                    throw BenchFailure("add(1,2) != 3")
                }
                guard try path.invoke(modules.countdown, "down", [.i64(60)], directory: modules.directory).results == [.i64(60)] else {
                    throw BenchFailure("down(60) != 60")
                }
                let hello = try path.invoke(modules.hello, "_start", [], wasi: .init(args: ["_start"]), directory: modules.directory)
                guard hello.stdout == Array("hello, world\n".utf8) else { throw BenchFailure("hello printed \(hello.stdout ?? [])") }
                let answer = try path.invoke(modules.chain, "run", [], directory: modules.directory).results
                if chainAnswer.isEmpty { chainAnswer = answer }
                guard answer == chainAnswer else { throw BenchFailure("chain run() changed its answer: \(answer)") }
            }
        }
        rows.append("| | *`Invoker.run` paths: **fresh** = `SandboxConfiguration(recycleInstances: false)`; "
            + "**recycled** = default configuration (instance pool; pooled here: \(pooledModules.pooledNames))* | | | | |")

        // (a) the production path, both ways.
        for (id, path, modules) in [("a", fresh, freshModules), ("a-r", pooled, pooledModules)] {
            let sample = try Sampler.measure(warmup: iterations(2000), iterations: iterations(20000)) {
                try path.invoke(modules.add, "add", [.i32(1), .i32(2)], directory: modules.directory)
            }
            row(id, "`add(1,2)` via `Invoker.run`, \(path.name)"
                + (path.name == "fresh" ? " (new Store + instantiate + call)" : " (pooled instance: call + reset)"), sample)
        }

        // (b) warm: a plain second call on one instance is not reachable through the Sandbox's API.
        let addBinary = try fresh.compiler.binary(from: Array(Self.addWAT.utf8))
        let addModule = try parseWasm(bytes: addBinary, features: Self.features)
        let software = Self.engine(bounds: .software)
        let mprotect = Self.engine(bounds: .mprotect)
        do {
            let (store, instance) = try Self.instantiate(addModule, engine: software)
            let function = try Self.function(instance, "add")
            let arguments: [Value] = [.i32(1), .i32(2)]
            let b = try Sampler.measure(warmup: iterations(5000), iterations: iterations(50000)) {
                _ = try function.invoke(arguments)
                store.fuel = Fuel(remaining: 100_000_000)
            }
            row("b", "`add(1,2)` warm: 2nd+ call on one instance (WasmKit API, the sandbox's engine configuration)", b,
                note: "the Sandbox exposes no instance; its closest is a-r")
        }
        let rawFresh = try Sampler.measure(warmup: iterations(2000), iterations: iterations(20000)) {
            let (_, instance) = try Self.instantiate(addModule, engine: software)
            _ = try Self.function(instance, "add").invoke([.i32(1), .i32(2)])
        }
        row("a′", "`add(1,2)` new Store + instantiate + call, WasmKit directly (no Sandbox)", rawFresh,
            note: "a − a′ = Sandbox bookkeeping per invocation")
        let instantiateOnly = try Sampler.measure(warmup: iterations(2000), iterations: iterations(20000)) {
            _ = try Self.instantiate(addModule, engine: software)
        }
        row("a″", "new Store + instantiate `add`, no call (WasmKit)", instantiateOnly)

        // The Service layer without a socket: JSON in and out, worker-pool hop, logging to a no-op handler.
        let runner = try LocalRunner()
        defer { runner.close() }
        let uploaded = runner.send(HTTPRequest(
            method: "POST", path: "/v1/modules", query: [("name", "add")], body: Array(Self.addWAT.utf8)))
        guard uploaded.status == 201 || uploaded.status == 200 else { throw BenchFailure("upload: \(uploaded.status)") }
        let body = Array(#"{"args":[1,2]}"#.utf8)
        let service = try Sampler.measure(warmup: iterations(2000), iterations: iterations(20000)) {
            let response = runner.send(HTTPRequest(method: "POST", path: "/v1/modules/add/invoke/add", body: body))
            if response.status != 200 { throw BenchFailure("service invoke: \(response.status)") }
        }
        row("a‴", "`POST …/invoke/add` through `WasmhostService.handle` without a socket (LocalRunner, default config)", service,
            note: "routing + JSON + WorkerPool hand-off and back + a-r")

        // (c) host→guest crossings.
        for (suffix, path, modules) in [("", fresh, freshModules), ("-r", pooled, pooledModules)] {
            let down60 = try Sampler.measure(warmup: iterations(200), iterations: iterations(3000)) {
                try path.invoke(modules.countdown, "down", [.i64(60)], directory: modules.directory)
            }
            let down0 = try Sampler.measure(warmup: iterations(500), iterations: iterations(5000)) {
                try path.invoke(modules.countdown, "down", [.i64(0)], directory: modules.directory)
            }
            row("c0" + suffix, "`down(0)` via `Invoker.run`, \(path.name) (countdown.wat: no crossing)", down0)
            row("c60" + suffix, "`down(60)` via `Invoker.run`, \(path.name) (60 `host.call` crossings)", down60)
            row("c" + suffix, "**per host→guest crossing**, \(path.name): (down(60) − down(0)) / 60",
                value: micros((down60.median - down0.median) / 60), note: "from the medians")
        }

        // (g) host.invoke: the target's instance comes from its own pool too.
        for (id, path, modules) in [("g", fresh, freshModules), ("g-r", pooled, pooledModules)] {
            let sample = try Sampler.measure(warmup: iterations(200), iterations: iterations(5000)) {
                let result = try path.invoke(modules.cycleA, "twice", [.i64(5)], directory: modules.directory)
                guard result.results == [.i64(12)] else { throw BenchFailure("twice(5) != 12") }
            }
            row(id, "cycle_a `twice(5)` via `Invoker.run`, \(path.name) (2 `host.invoke` calls into cycle_b)", sample)
        }

        // (d) WASI.
        for (id, path, modules) in [("d", fresh, freshModules), ("d-r", pooled, pooledModules)] {
            let sample = try Sampler.measure(warmup: iterations(200), iterations: iterations(3000)) {
                try path.invoke(modules.hello, "_start", [], wasi: .init(args: ["_start"]), directory: modules.directory)
            }
            row(id, "WASI hello `_start` via `Invoker.run`, \(path.name) (Tests/Fixtures/wasi/hello.wasm)", sample)
        }

        // (e) bounds-checking mode, WasmKit directly, everything else as the sandbox's engine.
        let addMemoryBinary = try fresh.compiler.binary(from: Array(Self.addMemoryWAT.utf8))
        let addMemoryModule = try parseWasm(bytes: addMemoryBinary, features: Self.features)
        for (label, module) in [("`add`", addModule), ("`add` + 1-page memory", addMemoryModule)] {
            for (mode, engine) in [("software", software), ("mprotect", mprotect)] {
                let sample = try Sampler.measure(warmup: iterations(2000), iterations: iterations(20000)) {
                    let (_, instance) = try Self.instantiate(module, engine: engine)
                    _ = try Self.function(instance, "add").invoke([.i32(1), .i32(2)])
                }
                row("e", "\(label): new Store + instantiate + call, `.\(mode)`", sample,
                    note: mode == "software" ? "the sandbox's mode" : "WasmKit's default on Linux")
            }
        }
        for (mode, engine) in [("software", software), ("mprotect", mprotect)] {
            let (store, instance) = try Self.instantiate(addMemoryModule, engine: engine)
            let function = try Self.function(instance, "add")
            let sample = try Sampler.measure(warmup: iterations(5000), iterations: iterations(50000)) {
                _ = try function.invoke([.i32(1), .i32(2)])
                store.fuel = Fuel(remaining: 100_000_000)
            }
            row("e", "`add` + 1-page memory: warm call, `.\(mode)`", sample)
        }

        // (f) the ~100 KB C module.
        let chainBytes = freshModules.chainBytes
        let chainModule = try parseWasm(bytes: chainBytes, features: Self.features)
        let upload = try Sampler.measure(warmup: 2, iterations: iterations(20)) {
            _ = try pooled.compiler.compile(binary: chainBytes, id: pooledModules.chain.id)
        }
        row("f0", "chain.wasm (\(chainBytes.count / 1024) KiB, 200 functions): `ModuleCompiler.compile` (upload validation)", upload,
            note: "parse + eager translation of every body (+ pool set-up), once per upload")
        let freshChain = try Sampler.measure(warmup: 3, iterations: iterations(60)) {
            try fresh.invoke(freshModules.chain, "run", [], directory: freshModules.directory)
        }
        row("f", "chain.wasm `run()` via `Invoker.run`, fresh (lazy translation of all 200 bodies)", freshChain)
        let pooledChain = try Sampler.measure(warmup: 20, iterations: iterations(3000)) {
            try pooled.invoke(pooledModules.chain, "run", [], directory: pooledModules.directory)
        }
        row("f-r", "chain.wasm `run()` via `Invoker.run`, recycled", pooledChain)
        let rawChainFresh = try Sampler.measure(warmup: 3, iterations: iterations(60)) {
            let (_, instance) = try Self.instantiate(chainModule, engine: software)
            _ = try Self.function(instance, "run").invoke([])
        }
        row("f′", "chain.wasm new Store + instantiate + first `run()`, WasmKit directly", rawChainFresh)
        let (store, instance) = try Self.instantiate(chainModule, engine: software)
        let function = try Self.function(instance, "run")
        _ = try function.invoke([])
        let warm = try Sampler.measure(warmup: iterations(200), iterations: iterations(5000)) {
            _ = try function.invoke([])
            store.fuel = Fuel(remaining: 100_000_000)
        }
        row("f″", "chain.wasm `run()` warm: 2nd+ call on one instance (WasmKit API)", warm,
            note: "f / f″ = \(format(freshChain.median / warm.median, digits: 0))×")
        let fuelUsed = try fresh.invoke(freshModules.chain, "run", [], directory: freshModules.directory).fuelUsed
        row("f‴", "chain.wasm `run()` fuel used per call", value: String(fuelUsed))
    }

    /// `--profile N [--recycled] [--module add|countdown|hello|chain]`: only one
    /// production invocation path, for callgrind (`--toggle-collect=wasmhost_bench_profile_loop`).
    func profile(iterations count: Int, recycled: Bool, module name: String) throws {
        let path = recycled ? pooled : fresh
        let modules = try Modules(path, bench: self)
        let (module, export, arguments, wasi): (CompiledModule, String, [WasmValue], WASIOptions)
        switch name {
        case "add": (module, export, arguments, wasi) = (modules.add, "add", [.i32(1), .i32(2)], .init())
        case "countdown": (module, export, arguments, wasi) = (modules.countdown, "down", [.i64(60)], .init())
        case "hello": (module, export, arguments, wasi) = (modules.hello, "_start", [], .init(args: ["_start"]))
        case "chain": (module, export, arguments, wasi) = (modules.chain, "run", [], .init())
        case "fib":
            (module, export, arguments, wasi) = (
                try path.compiled(try bytes("scripts/bench/fib_recursive.wat")).module, "fib", [.i64(25)], .init())
        default: throw BenchFailure("--module: add, countdown, hello, chain or fib")
        }
        let call = try ExportCall(export: export, arguments: arguments, in: module.description)
        let request = InvocationRequest(call, limits: path.configuration.limits, wasi: wasi)
        // Warm caches and lazy globals outside the collected region.
        for _ in 0..<100 { _ = path.invoker.run(request, module: module, directory: modules.directory) }
        let failures = profileLoop(path.invoker, request, module, modules.directory, count)
        if failures > 0 { throw BenchFailure("\(failures) failed invocations while profiling") }
    }
}

/// The loop callgrind collects; a fixed symbol name so `--toggle-collect` can find it.
@_silgen_name("wasmhost_bench_profile_loop")
@inline(never)
func profileLoop(
    _ invoker: Invoker, _ request: InvocationRequest, _ module: CompiledModule, _ directory: BenchDirectory, _ count: Int
) -> Int {
    var failures = 0
    for _ in 0..<count {
        if case .failure = invoker.run(request, module: module, directory: directory) { failures += 1 }
    }
    return failures
}
