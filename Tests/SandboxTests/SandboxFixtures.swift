import Foundation
@testable import Sandbox
import Synchronization
import Hex

/// Compiles WAT (or binary) modules the way an upload does.
enum Fixtures {
    /// A compiler for `engine` (default: the run's engine, `WASMHOST_SANDBOX_ENGINE`).
    static func compiler(limits: Limits = Limits(), engine: SandboxEngine = .default) -> ModuleCompiler {
        ModuleCompiler(configuration: SandboxConfiguration(limits: limits, engine: engine))
    }

    static func compile(_ source: String, limits: Limits = Limits(), engine: SandboxEngine = .default) throws -> CompiledModule {
        let compiler = compiler(limits: limits, engine: engine)
        let binary = try compiler.binary(from: Array(source.utf8))
        return try compiler.compile(binary: binary, id: id(for: binary))
    }

    /// A stand-in id: 64 hex digits derived from the bytes (tests need no real SHA-256).
    static func id(for bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return String(repeating: Hex.encode(withUnsafeBytes(of: hash.bigEndian, Array.init)), count: 4)
    }

    static func fixture(_ relativePath: String) throws -> [UInt8] {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<2 { url.deleteLastPathComponent() }
        return Array(try Data(contentsOf: url.appendingPathComponent("Fixtures/\(relativePath)")))
    }
}

/// A `ModuleDirectory` over modules held in memory, with optional names.
final class InMemoryDirectory: ModuleDirectory {
    private let modules: Mutex<[String: CompiledModule]> = Mutex([:])
    private let names: Mutex<[String: String]> = Mutex([:])

    init(_ entries: [(name: String?, module: CompiledModule)] = []) {
        for entry in entries { add(entry.module, name: entry.name) }
    }

    func add(_ module: CompiledModule, name: String? = nil) {
        modules.withLock { $0[module.id] = module }
        if let name { names.withLock { $0[name] = module.id } }
    }

    func compiledModule(for ref: String) throws(SandboxError) -> CompiledModule? {
        let id = names.withLock { $0[ref] } ?? ref
        return modules.withLock { $0[id] }
    }

    func label(for id: String) -> String {
        names.withLock { table in table.filter { $0.value == id }.map(\.key).sorted().first } ?? String(id.prefix(12))
    }
}

/// Runs guests the way the service does: on a worker thread with a large native stack.
enum Runner {
    static let pool = WorkerPool(workers: 4, stackBytes: 8 << 20, maxQueue: 256)

    static func onWorker<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let box = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        let accepted = pool.submit {
            let value = body()
            box.withLock { $0 = value }
            done.signal()
        }
        precondition(accepted, "the test worker pool is full")
        done.wait()
        guard let value = box.withLock({ $0 }) else { preconditionFailure("the job produced no value") }
        return value
    }

    static func invoke(
        _ module: CompiledModule, _ export: String, _ arguments: [WasmValue] = [], limits: Limits = Limits(),
        input: [UInt8] = [], wasi: WASIOptions = .init(), directory: InMemoryDirectory? = nil,
        interpreterStackBytes: Int = 512 << 10
    ) -> Result<InvocationResult, InvocationFailure> {
        let directory = directory ?? InMemoryDirectory([(nil, module)])
        return onWorker {
            let invoker = Invoker(configuration: SandboxConfiguration(
                limits: limits, interpreterStackBytes: interpreterStackBytes))
            let call: ExportCall
            do throws(SandboxError) {
                call = try ExportCall(export: export, arguments: arguments, in: module.description)
            } catch {
                return .failure(InvocationFailure(error: error, partial: .nothing))
            }
            let request = InvocationRequest(call, input: input, limits: limits, wasi: wasi)
            return invoker.run(request, module: module, directory: directory)
        }
    }

    /// The error of a failed invocation, or `nil` when it succeeded.
    static func failure(
        _ module: CompiledModule, _ export: String, _ arguments: [WasmValue] = [], limits: Limits = Limits(),
        directory: InMemoryDirectory? = nil
    ) -> SandboxError? {
        if case .failure(let failure) = invoke(module, export, arguments, limits: limits, directory: directory) {
            return failure.error
        }
        return nil
    }
}

/// A thread-safe counter that escaping closures can capture.
final class Tally: Sendable {
    private let count = Atomic<Int>(0)
    func add() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}

/// Keeps worker pools alive for the rest of the test process: a `WorkerPool`
/// released while its threads start crashes (see `WorkerPoolTests`).
enum KeepAlive {
    private static let objects = Mutex<[any AnyObject & Sendable]>([])

    @discardableResult
    static func keep<T: AnyObject & Sendable>(_ object: T) -> T {
        objects.withLock { $0.append(object) }
        return object
    }
}

extension InvocationResult {
    /// The measurements of a call refused before it ran.
    static let nothing = InvocationResult(
        results: [], output: nil, logs: nil, stdout: nil, stderr: nil, exitCode: nil, truncated: [],
        fuelUsed: 0, durationMicroseconds: 0, crossings: 0)
}
