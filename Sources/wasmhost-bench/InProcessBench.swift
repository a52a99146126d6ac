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

/// The Sandbox's view of the bench's modules: `host.call` needs no lookup,
/// `host.invoke` is not used.
struct BenchDirectory: ModuleDirectory {
    let modules: [String: CompiledModule]
    func compiledModule(for ref: String) throws(SandboxError) -> CompiledModule? { modules[ref] }
    func label(for id: String) -> String { String(id.prefix(12)) }
}

/// The in-process measurements: the production path (`Invoker.run`, a fresh
/// store and instance per call) and WasmKit directly for what the Sandbox does
/// not expose (warm instances, the memory bounds-checking mode).
final class InProcessBench {
    let root: String
    /// Multiplies every iteration count (0.1 for a smoke run).
    let scale: Double
    let configuration = SandboxConfiguration()
    let compiler: ModuleCompiler
    let invoker: Invoker
    private(set) var rows: [String] = []

    /// Same features as the sandbox (SandboxConfiguration.features is internal).
    static let features: WasmFeatureSet = [.referenceTypes, .exceptionHandling, .simd, .tailCall]

    init(root: String, scale: Double) {
        self.root = root
        self.scale = scale
        compiler = ModuleCompiler(configuration: configuration)
        invoker = Invoker(configuration: configuration)
    }

    // MARK: fixtures

    func bytes(_ relative: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: root + "/" + relative) else {
            throw BenchFailure("cannot read \(relative) (run from the repository root or pass --root)")
        }
        return Array(data)
    }

    /// Assembles (when WAT) and compiles like an upload does.
    func compiled(_ upload: [UInt8]) throws -> (binary: [UInt8], module: CompiledModule) {
        let binary = try compiler.binary(from: upload)
        return (binary, try compiler.compile(binary: binary, id: ModuleStore.id(of: binary)))
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

    // MARK: helpers

    func iterations(_ base: Int) -> Int { max(5, Int(Double(base) * scale)) }

    func row(_ id: String, _ what: String, _ summary: Summary, note: String = "") {
        rows.append("| \(id) | \(what) | \(micros(summary.median)) | \(micros(summary.p99)) | \(summary.count) | \(note) |")
    }

    func row(_ id: String, _ what: String, value: String, note: String = "") {
        rows.append("| \(id) | \(what) | \(value) | | | \(note) |")
    }

    /// One production invocation; throws unless it succeeds.
    @discardableResult
    func invoke(
        _ module: CompiledModule, _ export: String, _ arguments: [WasmValue], wasi: WASIOptions = .init(),
        directory: BenchDirectory
    ) throws -> InvocationResult {
        let request = InvocationRequest(
            export: export, arguments: arguments, limits: configuration.limits, wasi: wasi)
        switch invoker.run(request, module: module, directory: directory) {
        case .success(let result): return result
        case .failure(let failure): throw BenchFailure("\(export) failed: \(failure.error)")
        }
    }

    static func engine(
        bounds: EngineConfiguration.MemoryBoundsChecking, compilation: EngineConfiguration.CompilationMode = .lazy
    ) -> Engine {
        // The sandbox's configuration (see SandboxConfiguration.makeEngine) with the bounds mode varied.
        Engine(configuration: EngineConfiguration(
            compilationMode: compilation, stackSize: 512 << 10, features: features,
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
        let add = try compiled(Array(Self.addWAT.utf8))
        let addMemory = try compiled(Array(Self.addMemoryWAT.utf8))
        let countdown = try compiled(try bytes("examples/modules/countdown.wat"))
        let hello = try compiled(try bytes("Tests/Fixtures/wasi/hello.wasm"))
        let chain = try compiled(try bytes("scripts/bench/chain.wasm"))
        let directory = BenchDirectory(modules: [
            add.module.id: add.module, countdown.module.id: countdown.module,
            hello.module.id: hello.module, chain.module.id: chain.module,
        ])

        // Correctness first: a fast wrong answer is no benchmark.
        guard try invoke(add.module, "add", [.i32(1), .i32(2)], directory: directory).results == [.i32(3)] else {
            throw BenchFailure("add(1,2) != 3")
        }
        guard try invoke(countdown.module, "down", [.i64(60)], directory: directory).results == [.i64(60)] else {
            throw BenchFailure("down(60) != 60")
        }
        let helloResult = try invoke(hello.module, "_start", [], wasi: .init(args: ["_start"]), directory: directory)
        guard helloResult.stdout == Array("hello, world\n".utf8) else { throw BenchFailure("hello printed \(helloResult.stdout ?? [])") }
        let chainAnswer = try invoke(chain.module, "run", [], directory: directory).results

        // (a) the production path.
        let a = try Sampler.measure(warmup: iterations(2000), iterations: iterations(20000)) {
            try invoke(add.module, "add", [.i32(1), .i32(2)], directory: directory)
        }
        row("a", "`add(1,2)` via `Invoker.run` (fresh Store + instance + call)", a)

        // (b) warm: not reachable through the Sandbox's public API, so WasmKit directly.
        let addModule = try parseWasm(bytes: add.binary, features: Self.features)
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
            row("b", "`add(1,2)` warm: 2nd+ call on one instance (WasmKit API, sandbox's engine config)", b,
                note: "no public Sandbox API keeps an instance; Invoker always starts fresh")
        }
        let rawFresh = try Sampler.measure(warmup: iterations(2000), iterations: iterations(20000)) {
            let (_, instance) = try Self.instantiate(addModule, engine: software)
            _ = try Self.function(instance, "add").invoke([.i32(1), .i32(2)])
        }
        row("a′", "`add(1,2)` fresh Store + instantiate + call, WasmKit directly (no Sandbox)", rawFresh,
            note: "a − a′ = Sandbox overhead per invocation")
        let instantiateOnly = try Sampler.measure(warmup: iterations(2000), iterations: iterations(20000)) {
            _ = try Self.instantiate(addModule, engine: software)
        }
        row("a″", "fresh Store + instantiate `add` only, no call (WasmKit)", instantiateOnly)

        // The Service layer without a socket: JSON in and out, worker-pool hop, logging to a no-op handler.
        let runner = try LocalRunner()
        defer { runner.close() }
        let uploaded = runner.send(HTTPRequest(
            method: "POST", path: "/v1/modules", query: [("name", "add")], body: Array(Self.addWAT.utf8)))
        guard uploaded.status == 201 || uploaded.status == 200 else { throw BenchFailure("upload: \(uploaded.status)") }
        let body = Array(#"{"args":[1,2]}"#.utf8)
        let service = try Sampler.measure(warmup: iterations(2000), iterations: iterations(20000)) {
            let response = runner.invoke(id: "add", export: "add", body: body)
            if response.status != 200 { throw BenchFailure("service invoke: \(response.status)") }
        }
        row("a‴", "`POST …/invoke/add` through `WasmhostService` without a socket (LocalRunner)", service,
            note: "JSON + routing + WorkerPool hop + a; no HTTP")

        // (c) host→guest crossings.
        let down60 = try Sampler.measure(warmup: iterations(200), iterations: iterations(3000)) {
            try invoke(countdown.module, "down", [.i64(60)], directory: directory)
        }
        let down0 = try Sampler.measure(warmup: iterations(500), iterations: iterations(5000)) {
            try invoke(countdown.module, "down", [.i64(0)], directory: directory)
        }
        row("c0", "`down(0)` via `Invoker.run` (countdown.wat, no crossing)", down0)
        row("c60", "`down(60)` via `Invoker.run` (60 `host.call` crossings)", down60)
        row("c", "**per host→guest crossing**: (down(60) − down(0)) / 60", value: micros((down60.median - down0.median) / 60),
            note: "medians")

        // (d) WASI.
        let d = try Sampler.measure(warmup: iterations(200), iterations: iterations(3000)) {
            try invoke(hello.module, "_start", [], wasi: .init(args: ["_start"]), directory: directory)
        }
        row("d", "WASI hello `_start` via `Invoker.run` (Tests/Fixtures/wasi/hello.wasm)", d)

        // (e) bounds-checking mode, WasmKit directly, everything else as the sandbox's engine.
        let addMemoryModule = try parseWasm(bytes: addMemory.binary, features: Self.features)
        for (label, module) in [("add", addModule), ("add + 1-page memory", addMemoryModule)] {
            for (mode, engine) in [("software", software), ("mprotect", mprotect)] {
                let sample = try Sampler.measure(warmup: iterations(2000), iterations: iterations(20000)) {
                    let (_, instance) = try Self.instantiate(module, engine: engine)
                    _ = try Self.function(instance, "add").invoke([.i32(1), .i32(2)])
                }
                row("e", "\(label): fresh instantiate + call, `.\(mode)`", sample)
            }
        }
        for (mode, engine) in [("software", software), ("mprotect", mprotect)] {
            let (store, instance) = try Self.instantiate(addMemoryModule, engine: engine)
            let function = try Self.function(instance, "add")
            let sample = try Sampler.measure(warmup: iterations(5000), iterations: iterations(50000)) {
                _ = try function.invoke([.i32(1), .i32(2)])
                store.fuel = Fuel(remaining: 100_000_000)
            }
            row("e", "add + 1-page memory: warm call, `.\(mode)`", sample)
        }

        // (f) the ~100 KB C module.
        let chainModule = try parseWasm(bytes: chain.binary, features: Self.features)
        let upload = try Sampler.measure(warmup: 2, iterations: iterations(20)) {
            _ = try compiler.compile(binary: chain.binary, id: chain.module.id)
        }
        row("f0", "chain.wasm (\(chain.binary.count / 1024) KiB, 200 functions): upload validation (`ModuleCompiler.compile`)", upload,
            note: "parse + eager translation of every body, once per upload")
        let fresh = try Sampler.measure(warmup: 3, iterations: iterations(60)) {
            let result = try invoke(chain.module, "run", [], directory: directory)
            if result.results != chainAnswer { throw BenchFailure("chain run() changed its answer") }
        }
        row("f", "chain.wasm `run()` via `Invoker.run` (fresh instance: lazy translation of all 200 bodies)", fresh)
        let rawChainFresh = try Sampler.measure(warmup: 3, iterations: iterations(60)) {
            let (_, instance) = try Self.instantiate(chainModule, engine: software)
            _ = try Self.function(instance, "run").invoke([])
        }
        row("f′", "chain.wasm fresh instantiate + first `run()`, WasmKit directly", rawChainFresh)
        let (store, instance) = try Self.instantiate(chainModule, engine: software)
        let function = try Self.function(instance, "run")
        _ = try function.invoke([])
        let warm = try Sampler.measure(warmup: iterations(200), iterations: iterations(5000)) {
            _ = try function.invoke([])
            store.fuel = Fuel(remaining: 100_000_000)
        }
        row("f″", "chain.wasm `run()` warm: 2nd+ call on one instance (WasmKit API)", warm,
            note: "fresh/warm = \(format(fresh.median / warm.median, digits: 0))×")
        let fuelUsed = try invoke(chain.module, "run", [], directory: directory).fuelUsed
        row("f‴", "chain.wasm `run()` fuel used per call", value: String(fuelUsed))
    }

    /// `--profile add N`: only the production add path, for callgrind
    /// (`--toggle-collect=wasmhost_bench_profile_loop`).
    func profile(iterations count: Int) throws {
        let add = try compiled(Array(Self.addWAT.utf8))
        let directory = BenchDirectory(modules: [add.module.id: add.module])
        let request = InvocationRequest(export: "add", arguments: [.i32(1), .i32(2)], limits: configuration.limits)
        // Warm caches and lazy globals outside the collected region.
        for _ in 0..<100 { _ = invoker.run(request, module: add.module, directory: directory) }
        let failures = profileLoop(invoker, request, add.module, directory, count)
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
