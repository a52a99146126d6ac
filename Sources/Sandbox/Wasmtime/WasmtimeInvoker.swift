#if WASMHOST_WASMTIME
import CWasmtime
import Foundation

/// Runs one invocation on Wasmtime: a fresh store and instance from the
/// module's `instance_pre` (a pooling-allocator slot), fuel and an epoch
/// deadline, and the store limiter. Call on a worker thread with the configured stack.
struct WasmtimeInvoker: Sendable {
    let stackReserve: Int

    func run(
        _ request: InvocationRequest, module: CompiledModule, code: WasmtimeModule, directory: any ModuleDirectory
    ) -> Result<InvocationResult, InvocationFailure> {
        // The module's own engine: its code runs only in that engine's stores.
        WasmtimeInvocation.run(
            request, engine: code.engine, directory: directory, stackReserve: stackReserve, usesWASI: module.usesWASI,
            root: { $0.targets[module.id]?.context },
            body: { execute(request, module: module, code: code, invocation: $0) },
            fill: { answer, values in answer.results = values })
    }

    private func execute(
        _ request: InvocationRequest, module: CompiledModule, code: WasmtimeModule, invocation: WasmtimeInvocation
    ) -> Result<[WasmValue], SandboxError> {
        do {
            let root = try invocation.instantiate(module, code: code, fuel: request.limits.fuel)
            invocation.targets[module.id] = root
            var instance = root.instance
            var item = wasmtime_extern_t()
            let found = WasmtimeBytes.withName(request.export) {
                wasmtime_instance_export_get(root.context, &instance, $0, $1, &item)
            }
            guard found, Int(item.kind) == WASMHOST_EXTERN_FUNC else {
                // The call was checked against this module's description, which the instance matches.
                return .failure(.internal("export '\(request.export)' is in the description but not in the instance"))
            }
            var function = item.of.func
            let frame = Frame(moduleID: module.id, export: request.export, arguments: request.arguments)
            return .success(try invocation.enter(&function, context: root.context, frame: frame, resultCount: request.signature?.results.count ?? 0))
        } catch let exit as WasmtimeExit {
            invocation.exitCode = exit.code
            return .success([])
        } catch {
            return .failure(WasmtimeInvocation.map(error, limits: request.limits))
        }
    }
}

extension WasmtimeInvocation {
    /// One invocation on `engine`: `body` runs while the epoch ticker does; every
    /// figure is read (fuel from the `root` store) before the stores and their pool
    /// slots are released; `fill` puts what `body` returned into the answer.
    static func run<Values>(
        _ request: InvocationRequest, engine: WasmtimeEngine, directory: any ModuleDirectory, stackReserve: Int,
        usesWASI: Bool, root: (WasmtimeInvocation) -> OpaquePointer?,
        body: (WasmtimeInvocation) -> Result<Values, SandboxError>, fill: (inout InvocationResult, Values) -> Void
    ) -> Result<InvocationResult, InvocationFailure> {
        let limits = request.limits
        let invocation = WasmtimeInvocation(engine: engine, directory: directory, request: request, stackReserve: stackReserve)
        engine.ticker.begin()
        let outcome = body(invocation)
        let remaining = root(invocation).map { fuel(of: $0) } ?? limits.fuel
        invocation.close()
        engine.ticker.end()
        let fuelUsed = limits.fuel >= remaining ? limits.fuel - remaining : limits.fuel
        let micros = Int((Watchdog.now() - request.receivedAt) / 1000)
        var answer = invocation.result(usesWASI: usesWASI, fuelUsed: fuelUsed, micros: micros)
        switch outcome {
        case .success(let values):
            fill(&answer, values)
            return .success(answer)
        case .failure(let error):
            answer.exitCode = nil
            return .failure(InvocationFailure(error: error, partial: answer))
        }
    }

    /// What the invocation produced besides its results. WASI streams and the exit
    /// code are there when the root (`usesWASI`) or a module it called used WASI.
    func result(usesWASI rootUsesWASI: Bool, fuelUsed: UInt64, micros: Int) -> InvocationResult {
        let stdout = self.stdout.captured
        let stderr = self.stderr.captured
        let usesWASI = rootUsesWASI || self.usesWASI
        var truncated = streams.truncatedStreams
        if stdout.truncated { truncated.append("stdout") }
        if stderr.truncated { truncated.append("stderr") }
        return InvocationResult(
            results: [],
            output: streams.output.used ? streams.output.bytes : nil,
            logs: streams.logsUsed ? streams.logs : nil,
            stdout: usesWASI ? stdout.bytes : nil,
            stderr: usesWASI ? stderr.bytes : nil,
            exitCode: usesWASI ? exitCode : nil,
            truncated: truncated,
            fuelUsed: fuelUsed, durationMicroseconds: micros, crossings: reentrancy.crossings)
    }
}
#endif
