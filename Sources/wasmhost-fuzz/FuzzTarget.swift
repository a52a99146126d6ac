import Differential
import Foundation
import HTTPServer
import Logging
import ModuleStore
import Sandbox
import Service

/// What one input did.
enum Verdict {
    /// Refused at upload with this API code (the normal fate of a mutant).
    case rejected(String)
    /// Accepted, stored, described; `invoked` exports were run.
    case accepted(invoked: Int)
    /// Not a crash, but a broken promise (a 500, a leaked path, state surviving
    /// an invocation...). Saved next to the crashes.
    case finding(String)
}

/// `host.invoke` sees only the module under test (by id).
struct FuzzDirectory: ModuleDirectory {
    let module: CompiledModule

    func compiledModule(for ref: String) throws(SandboxError) -> CompiledModule? {
        ref == module.id ? module : nil
    }

    func label(for id: String) -> String { String(id.prefix(12)) }
}

/// The upload path of the daemon, minus the socket: assemble or take the bytes,
/// parse and validate, store durably in a temp dir, describe through the service,
/// then instantiate and invoke each function export with a small fuel budget.
final class FuzzTarget {
    let compiler: ModuleCompiler
    let invoker: Invoker
    let store: ModuleStore
    let service: WasmhostService
    let dataDirectory: String
    let limits: Limits
    /// Most exports run per accepted module.
    let maxExports = 6

    init() throws {
        var configuration = ServiceConfiguration(cacheMaxBytes: 16 << 20)
        configuration.sandbox.limits.fuel = 20_000
        configuration.sandbox.limits.timeoutMilliseconds = 2_000
        limits = configuration.sandbox.limits
        dataDirectory = NSTemporaryDirectory() + "wasmhost-fuzz-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let logger = Logger(label: "wasmhost.fuzz")
        store = try ModuleStore(dataDirectory: dataDirectory, logger: logger)
        compiler = ModuleCompiler(configuration: configuration.sandbox)
        invoker = Invoker(configuration: configuration.sandbox)
        service = WasmhostService(configuration: configuration, store: store, logger: logger)
    }

    func close() {
        service.shutdown()
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }

    /// Error details reach clients: none may show a host path or a Swift type.
    static func leaks(_ detail: String) -> Bool {
        detail.contains("/tmp/") || detail.contains("/work/") || detail.contains(".swift")
            || detail.contains("Swift.") || detail.contains("0x00007")
    }

    func run(_ input: [UInt8]) -> Verdict {
        let binary: [UInt8]
        let module: CompiledModule
        do {
            binary = try compiler.binary(from: input)
            module = try compiler.compile(binary: binary, id: ModuleStore.id(of: binary))
        } catch {
            let (code, detail) = problem(error)
            if code == "internal" { return .finding("internal error at upload: \(detail)") }
            if Self.leaks(detail) { return .finding("upload error detail leaks: \(detail)") }
            return .rejected(code)
        }
        if input.starts(with: [0x00, 0x61, 0x73, 0x6D]) && binary != input {
            return .finding("binary upload changed by ModuleCompiler.binary(from:)")
        }
        // Store durably, then describe through the service exactly as GET does.
        do {
            _ = try store.put(binary, name: nil)
        } catch {
            return .finding("store.put refused a validated module: \(error)")
        }
        defer { _ = service.answer(HTTPRequest(method: "DELETE", path: "/v1/modules/\(module.id)")) }
        let described = service.answer(HTTPRequest(method: "GET", path: "/v1/modules/\(module.id)"))
        guard described.status == 200 else {
            return .finding("GET of an accepted module answered \(described.status): \(String(decoding: described.body.prefix(300), as: UTF8.self))")
        }
        guard case .object(let members)? = try? JSONParser.parse(described.body),
              members.contains(where: { $0.0 == "id" && $0.1 == .string(module.id) })
        else {
            return .finding("description is not a JSON object with the module id: \(String(decoding: described.body.prefix(300), as: UTF8.self))")
        }
        return invokeExports(module)
    }

    /// A comparable summary of an invocation's outcome.
    private func outcome(_ module: CompiledModule, export: String, arguments: [WasmValue]) -> (String, stable: Bool) {
        let call: ExportCall
        do throws(SandboxError) {
            call = try ExportCall(export: export, arguments: arguments, in: module.description)
        } catch {
            return ("error \(problem(error).code)", true)
        }
        switch invoker.run(InvocationRequest(call, limits: limits), module: module, directory: FuzzDirectory(module: module)) {
        case .success(let result):
            let output = result.output.map { Array($0.prefix(64)) } ?? []
            return ("ok \(result.results) out=\(output) logs=\(result.logs?.count ?? -1) exit=\(result.exitCode ?? -1)", true)
        case .failure(let failure):
            switch failure.error {
            case .fuelExhausted, .timeout, .overloaded:
                // Depends on how much work instantiation did; not comparable across runs.
                return ("budget", false)
            case .internal(let detail):
                return ("INTERNAL \(detail)", true)
            case .trap(let detail, _):
                return ("trap \(detail)", true)
            default:
                return ("error \(problem(failure.error).code)", true)
            }
        }
    }

    /// Runs every function export (up to `maxExports`) twice, in two rounds, and
    /// compares: each invocation must start from the same state, whether the
    /// instance is fresh or recycled.
    private func invokeExports(_ module: CompiledModule) -> Verdict {
        // WASI modules can read clocks and random numbers: run them, compare nothing.
        let deterministic = !module.usesWASI
        var exports: [(String, [WasmValue])] = []
        for export in module.description.exports {
            if case .function(let signature) = export.entity {
                exports.append((export.name, signature.params.map(Call.zero)))
            }
            if exports.count == maxExports { break }
        }
        var first: [String] = []
        for (name, arguments) in exports {
            let (summary, _) = outcome(module, export: name, arguments: arguments)
            if summary.hasPrefix("INTERNAL") { return .finding("invoke \(name): \(summary)") }
            first.append(summary)
        }
        for (index, (name, arguments)) in exports.enumerated() {
            let (summary, stable) = outcome(module, export: name, arguments: arguments)
            if summary.hasPrefix("INTERNAL") { return .finding("invoke \(name): \(summary)") }
            if deterministic && stable && first[index] != "budget" && summary != first[index] {
                return .finding("export \(name) answered differently on a second invocation "
                    + "(state survived an invocation?): first \(first[index].prefix(200)), then \(summary.prefix(200))")
            }
        }
        return .accepted(invoked: exports.count)
    }
}

/// The problem code and client-visible detail of a Sandbox error, as the
/// Service maps it (its mapping is internal; API.md's table is the contract).
func problem(_ error: SandboxError) -> (code: String, detail: String) {
    let detail: String
    switch error {
    case .invalidModule(let text), .invalidWAT(let text), .unsupportedModule(let text), .unknownImport(let text),
        .importTypeMismatch(let text),
        .limitExceeded(let text), .trap(let text, _), .badArgs(let text), .moduleNotFound(let text), .internal(let text):
        detail = text
    case .exportNotFound(let name, _), .notAFunction(let name, _): detail = name
    default: detail = ""
    }
    return (Observation.code(of: error), detail)
}
