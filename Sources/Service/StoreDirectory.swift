import ModuleStore
import Sandbox

/// The Sandbox's view of stored modules: the durable store behind the
/// compiled-module cache.
struct StoreDirectory: ModuleDirectory {
    let store: any ModuleRegistry
    let cache: ModuleCache
    let compiler: ModuleCompiler

    func compiledModule(for ref: String) throws(SandboxError) -> CompiledModule? {
        let record: ModuleRecord?
        do { record = try store.resolve(ref) } catch {
            throw .trap(detail: "host.invoke: the module registry cannot be reached to find '\(ref.prefix(200))'", backtrace: [])
        }
        guard let record else { return nil }
        return try compiled(id: record.id)
    }

    /// The compiled module `id`, parsed from the store on a cache miss.
    func compiled(id: String) throws(SandboxError) -> CompiledModule {
        try cache.module(id) { () throws(SandboxError) -> CompiledModule in
            let bytes: [UInt8]
            do throws(StoreError) {
                bytes = try store.bytes(of: id)
            } catch {
                if case .io(let detail, let cause) = error { throw .internal("reading module \(id): \(detail): \(cause)") }
                throw .moduleNotFound(id)
            }
            return try compiler.compile(binary: bytes, id: id)
        }
    }

    /// ``compiled(id:)`` for a request: a registry outage is `503 storage_unavailable`, not a missing module.
    func compiledForRequest(id: String) throws(APIError) -> CompiledModule {
        do { return try compiled(id: id) } catch {
            if case .moduleNotFound = error, store.reachability == .unreachable {
                throw APIError(StoreError.unavailable("the module registry cannot be reached to load this module"))
            }
            throw APIError(error)
        }
    }

    func label(for id: String) -> String {
        ((try? store.resolve(id)) ?? nil)?.names.first ?? String(id.prefix(12))
    }
}

extension StoreDirectory {
    /// The JSON `args` text of the component host interface's `invoke`, by the
    /// same rules as an HTTP invoke of `export`.
    func arguments(json: String, for module: CompiledModule, export: String) throws(SandboxError) -> InvocationArguments {
        let parsed: JSONValue
        do { parsed = try JSONParser.parse(Array(json.utf8)) } catch {
            throw .badArgs("args-json is not valid JSON: \(error.message)")
        }
        let body: InvokeBody.Arguments
        switch parsed {
        case .array(let values): body = .positional(values)
        case .object(let members): body = .named(members)
        default: throw .badArgs("args-json must be a JSON array or object, got \(parsed.typeName)")
        }
        do throws(APIError) {
            if let component = module.component {
                guard let function = component.function(named: export) else {
                    throw APIError(SandboxError.exportNotFound(name: export, functions: component.functionNames))
                }
                return .component(try WITCodec.arguments(body, for: function, in: component))
            }
            let target: CallTarget
            do throws(SandboxError) { target = try CallTarget(export: export, in: module.description) } catch { throw APIError(error) }
            guard case .positional(let values) = body else {
                throw APIError(.badArgs, "args-json must be an array for a core module's function")
            }
            return .core(try ValueCodec.call(values, for: target).arguments)
        } catch {
            throw .badArgs(error.detail)
        }
    }

    /// The `results` array of a call `invoke` made, as JSON text.
    func resultsJSON(_ results: InvocationValues, for module: CompiledModule, export: String) -> String {
        let values: [JSONValue]
        switch results {
        case .core(let core): values = core.map(ValueCodec.result)
        case .component(let component):
            let type = module.component?.function(named: export)?.result
            values = zip(component, [type].compactMap { $0 }).map { WITCodec.json($0, as: $1) }
        }
        return String(decoding: JSONWriter.encode(.array(values)), as: UTF8.self)
    }
}
