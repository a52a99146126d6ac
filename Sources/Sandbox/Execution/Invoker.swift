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
    /// is fresh, or a recycled one reset to its post-instantiation state. The
    /// call was checked against `module`'s description when it was made
    /// (``CallTarget``); the engines do not check it again.
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
