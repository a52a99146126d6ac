#if WASMHOST_WASMTIME
import CWasmtime

extension WasmtimeInvocation {
    /// `invoke` of the component host interface: runs `export` of the stored
    /// module or component `ref` inside this invocation (same chain, fuel and
    /// deadline) with JSON arguments.
    ///
    /// What a client would get as a 4xx or 422 problem (no such module or export,
    /// bad arguments, a trap) comes back as `err(detail)`, a value the caller can
    /// handle; what ends the whole invocation (a loop, the deadline, fuel) is thrown.
    func invokeFromComponent(ref: String, export: String, argumentsJSON: String, caller: OpaquePointer) throws -> ComponentValue {
        do {
            guard let target = try Self.storedModule(ref, in: directory) else {
                return .result(isOk: false, payload: .string("no module '\(ref.prefix(200))'"))
            }
            let arguments = try directory.arguments(json: argumentsJSON, for: target, export: export)
            let results: InvocationValues
            switch (target.code, arguments) {
            case (.wasmtimeComponent(let code), .component(let values)):
                let value = try callComponent(target, code: code, export: export, arguments: values, caller: caller)
                results = .component(value.map { [$0] } ?? [])
            case (.wasmtime, .core(let values)):
                results = .core(try callCore(target, export: export, arguments: values, caller: caller))
            default:
                return .result(isOk: false, payload: .string("module '\(ref.prefix(200))' was built for another engine"))
            }
            return .result(isOk: true, payload: .string(directory.resultsJSON(results, for: target, export: export)))
        } catch let error as SandboxError {
            return try Self.valueOrRethrow(error)
        } catch let failure as WasmtimeFailure {
            return try Self.valueOrRethrow(failure.error, original: failure)
        }
    }

    /// `host.invoke` from a core module into a component: its export must be
    /// `func(s64) -> s64`, the component form of the core `(i64) -> i64` rule.
    func invokeComponentFromCore(
        _ target: CompiledModule, code: WasmtimeComponent, export: String, argument: WasmValue, caller: OpaquePointer
    ) throws -> [WasmValue] {
        let label = directory.label(for: target.id)
        guard let function = code.description.function(named: export) else {
            throw HostTrap("host.invoke: component \(label) has no function export '\(export)'")
        }
        guard function.params.map(\.type) == [.s64], function.result == .s64, case .i64(let bits) = argument else {
            throw HostTrap("host.invoke: export '\(export)' of component \(label) is not func(s64) -> s64")
        }
        let value = try callComponent(target, code: code, export: export, arguments: [.signed(Int64(bitPattern: bits))], caller: caller)
        guard case .signed(let result)? = value else { throw HostTrap("host.invoke: '\(export)' returned no s64") }
        return [.i64(UInt64(bitPattern: result))]
    }

    /// A core export called from a component, in the core module's own store.
    private func callCore(_ target: CompiledModule, export: String, arguments: [WasmValue], caller: OpaquePointer) throws -> [WasmValue] {
        guard let signature = target.description.function(named: export) else {
            throw SandboxError.exportNotFound(name: export, functions: target.description.functionNames)
        }
        var instance = try self.target(for: target, caller: caller)
        var item = wasmtime_extern_t()
        let found = WasmtimeBytes.withName(export) {
            wasmtime_instance_export_get(instance.context, &instance.instance, $0, $1, &item)
        }
        guard found, Int(item.kind) == WASMHOST_EXTERN_FUNC else {
            throw SandboxError.exportNotFound(name: export, functions: target.description.functionNames)
        }
        var function = item.of.func
        return try Self.sharingFuel(of: caller, with: instance.context) {
            try enter(&function, context: instance.context, frame: Frame(moduleID: target.id, export: export, arguments: arguments),
                      resultCount: signature.results.count)
        }
    }

    /// Errors a client of `invoke` handles become `err(detail)`; loops and limits end the invocation.
    private static func valueOrRethrow(_ error: SandboxError, original: (any Error)? = nil) throws -> ComponentValue {
        switch error {
        case .reentrancyLoop, .timeout, .fuelExhausted, .overloaded, .internal, .notReady:
            throw original ?? WasmtimeFailure(error: error)
        default:
            return .result(isOk: false, payload: .string(detail(of: error)))
        }
    }

    /// The text a client reads in the problem's `detail` for `error`.
    private static func detail(of error: SandboxError) -> String {
        switch error {
        case .exportNotFound(let name, let functions):
            return "no function export '\(name.prefix(200))'" + (functions.isEmpty ? "" : "; functions: \(functions.joined(separator: ", "))")
        case .notAFunction(let name, let kind): return "export '\(name.prefix(200))' is a \(kind), not a function"
        case .moduleNotFound(let ref): return "no module '\(ref.prefix(200))'"
        case .badArgs(let text), .invalidModule(let text), .invalidWAT(let text), .unknownImport(let text),
            .importTypeMismatch(let text), .limitExceeded(let text), .unsupportedModule(let text):
            return text
        case .trap(let detail, _): return detail
        default: return "\(error)"
        }
    }
}
#endif
