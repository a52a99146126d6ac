/// Runs invocations on the configured engine. Call ``run(_:module:directory:)``
/// on a worker thread with the configured stack: guest code and every crossing run on it.
public struct Invoker: Sendable {
    private let wasmKit: WasmKitInvoker
    #if WASMHOST_WASMTIME
    private let wasmtime: WasmtimeInvoker
    private let components: WasmtimeComponentInvoker
    #endif

    /// Creates an invoker for `configuration.engine`.
    public init(configuration: SandboxConfiguration) {
        wasmKit = WasmKitInvoker(configuration: configuration)
        #if WASMHOST_WASMTIME
        let stackReserve = configuration.nativeStackReserveBytes + configuration.maxWasmStackBytes
        wasmtime = WasmtimeInvoker(stackReserve: stackReserve)
        components = WasmtimeComponentInvoker(stackReserve: stackReserve)
        #endif
    }

    /// Runs `request` against `module`. Nothing survives the call: the instance
    /// is fresh, or a recycled one reset to its post-instantiation state.
    public func run(
        _ request: InvocationRequest, module: CompiledModule, directory: any ModuleDirectory
    ) -> Result<InvocationResult, InvocationFailure> {
        switch module.code {
        case .wasmKit:
            return wasmKit.run(request, module: module, directory: directory)
        #if WASMHOST_WASMTIME
        case .wasmtime(let code):
            return wasmtime.run(request, module: module, code: code, directory: directory)
        case .wasmtimeComponent(let code):
            return components.run(request, module: module, code: code, directory: directory)
        #endif
        }
    }
}

/// Checks both engines make before running: the export is a function and the
/// arguments match its parameters.
enum InvocationChecks {
    static func arguments(_ request: InvocationRequest, module: CompiledModule) -> SandboxError? {
        guard let signature = module.description.function(named: request.export) else {
            if let other = module.description.exports.first(where: { $0.name == request.export }) {
                return .notAFunction(name: request.export, kind: other.entity.kind)
            }
            return .exportNotFound(name: request.export, functions: module.description.functionNames)
        }
        guard request.arguments.count == signature.params.count,
            zip(request.arguments, signature.params).allSatisfy({ $0.type == $1 })
        else {
            return .badArgs(
                "\(signature.display(name: request.export)) takes \(signature.params.count) arguments, "
                    + "got \(request.arguments.count)")
        }
        return nil
    }
}
