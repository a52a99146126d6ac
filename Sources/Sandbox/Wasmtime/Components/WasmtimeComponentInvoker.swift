#if WASMHOST_WASMTIME
import CWasmtime

/// Runs one invocation of a component function on Wasmtime: a fresh store and
/// instance, the same fuel, deadline, limiter and output caps as a core module.
struct WasmtimeComponentInvoker: Sendable {
    let stackReserve: Int

    func run(
        _ request: InvocationRequest, module: CompiledModule, code: WasmtimeComponent, directory: any ModuleDirectory
    ) -> Result<InvocationResult, InvocationFailure> {
        let resultType = code.description.function(named: request.export)?.result
        return WasmtimeInvocation.run(
            request, engine: code.engine, directory: directory, stackReserve: stackReserve,
            usesWASI: code.description.usesWASI, root: { $0.components[module.id]?.context },
            body: { invocation -> Result<ComponentValue?, SandboxError> in
                do {
                    let value = try invocation.callComponent(
                        module, code: code, export: request.export, arguments: request.componentArguments, caller: nil)
                    return .success(Self.commandOutcome(value, export: request.export, code: code, invocation: invocation))
                } catch let exit as WasmtimeExit {
                    invocation.exitCode = exit.code
                    return .success(nil)
                } catch {
                    return .failure(WasmtimeInvocation.map(error, limits: request.limits))
                }
            },
            fill: { answer, value in
                answer.componentResults = zip([value].compactMap { $0 }, [resultType].compactMap { $0 }).map {
                    TypedComponentValue(value: $0, type: $1)
                }
            })
    }
}

/// A component's instance in one of an invocation's stores.
struct WasmtimeComponentTarget {
    let context: OpaquePointer
    var instance: wasmtime_component_instance_t
}

extension WasmtimeComponentInvoker {
    /// `wasi:cli/run`'s `run` answers like a preview-1 program: no results, and
    /// the exit code `wasmtime run` gives (0 for `ok`, 1 for `err`).
    static func commandOutcome(
        _ value: ComponentValue?, export: String, code: WasmtimeComponent, invocation: WasmtimeInvocation
    ) -> ComponentValue? {
        guard let function = code.description.function(named: export), function.isCommandRun,
            case .result(let isOk, _) = value
        else { return value }
        invocation.exitCode = isOk ? 0 : 1
        return nil
    }
}

extension WasmtimeInvocation {
    /// Calls the function `export` of the component `module` as a frame of the
    /// reentrancy chain, in the component's one instance of this invocation
    /// (created on first use). `caller` is the store of a host call that invokes
    /// it; the call runs on the fuel the caller has left. The result, or `nil`
    /// for a function without one.
    func callComponent(
        _ module: CompiledModule, code: WasmtimeComponent, export: String, arguments: [ComponentValue], caller: OpaquePointer?
    ) throws -> ComponentValue? {
        guard let function = code.description.function(named: export) else {
            throw WasmtimeFailure(error: .exportNotFound(name: export, functions: code.description.functionNames))
        }
        if let reason = function.notCallableReason {
            throw WasmtimeFailure(error: .badArgs("\(code.description.signature(of: function)) is not callable over JSON: \(reason)"))
        }
        guard arguments.count == function.params.count else {
            throw WasmtimeFailure(error: .badArgs(
                "\(code.description.signature(of: function)) takes \(function.params.count) arguments, got \(arguments.count)"))
        }
        // The component model forbids entering an instance that is running: a loop.
        let frame = Frame(moduleID: module.id, export: function.name, arguments: [], componentArguments: arguments)
        try reentrancy.enter(frame, exclusive: true) { [directory] id in directory.label(for: id) }
        defer { reentrancy.exit() }
        var target = try componentInstance(module, code: code, caller: caller)
        var callee = try Self.function(function, of: &target.instance, context: target.context)
        let types = function.params.map(\.type)
        guard let caller else {
            return try call(&callee, context: target.context, arguments: arguments, types: types, hasResult: function.result != nil)
        }
        return try Self.sharingFuel(of: caller, with: target.context) {
            try call(&callee, context: target.context, arguments: arguments, types: types, hasResult: function.result != nil)
        }
    }

    /// The component's instance in this invocation: created in a store of its own
    /// on first use, on the fuel the caller has left (or the whole budget at the root).
    private func componentInstance(
        _ module: CompiledModule, code: WasmtimeComponent, caller: OpaquePointer?
    ) throws -> WasmtimeComponentTarget {
        if let existing = components[module.id] { return existing }
        let fuel = caller.map(Self.fuel(of:)) ?? limits.fuel
        let context: OpaquePointer
        do { context = try newStore(for: module, fuel: fuel, wasi: code.description.usesWASI) } catch {
            throw WasmtimeFailure(error: error)
        }
        var instance = wasmtime_component_instance_t()
        if let error = wasmtime_component_linker_instantiate(engine.componentLinker, context, code.component, &instance) {
            throw WasmtimeFailure(error: pendingOr(ComponentErrors.take(error, limits: limits)))
        }
        if let caller { Self.setFuel(Self.fuel(of: context), of: caller) }
        let target = WasmtimeComponentTarget(context: context, instance: instance)
        components[module.id] = target
        return target
    }

    /// The function `function.name` of an instance (through its interface, if any).
    private static func function(
        _ function: ComponentDescription.Function, of instance: inout wasmtime_component_instance_t, context: OpaquePointer
    ) throws -> wasmtime_component_func_t {
        var parent: OpaquePointer?
        defer { if let parent { wasmtime_component_export_index_delete(parent) } }
        if let interface = function.interface {
            parent = WasmtimeBytes.withName(interface) {
                wasmtime_component_instance_get_export_index(&instance, context, nil, $0, $1)
            }
            guard parent != nil else { throw WasmtimeFailure(error: .exportNotFound(name: function.name, functions: [])) }
        }
        guard let index = WasmtimeBytes.withName(function.plainName, {
            wasmtime_component_instance_get_export_index(&instance, context, parent, $0, $1)
        }) else { throw WasmtimeFailure(error: .exportNotFound(name: function.name, functions: [])) }
        defer { wasmtime_component_export_index_delete(index) }
        var callee = wasmtime_component_func_t()
        guard wasmtime_component_instance_get_func(&instance, context, index, &callee) else {
            throw WasmtimeFailure(error: .exportNotFound(name: function.name, functions: []))
        }
        return callee
    }

    /// Lowers the arguments, calls, lifts the result and runs `post-return`.
    private func call(
        _ function: inout wasmtime_component_func_t, context: OpaquePointer, arguments: [ComponentValue], types: [WITType],
        hasResult: Bool
    ) throws -> ComponentValue? {
        var lowered: [wasmtime_component_val_t] = []
        lowered.reserveCapacity(arguments.count)
        defer { for index in lowered.indices { wasmtime_component_val_delete(&lowered[index]) } }
        for (value, type) in zip(arguments, types) {
            do { lowered.append(try ComponentValueBridge.lower(value, as: type)) } catch {
                throw WasmtimeFailure(error: .badArgs("an argument does not match its WIT type"))
            }
        }
        var results = [wasmtime_component_val_t](repeating: wasmtime_component_val_t(), count: hasResult ? 1 : 0)
        let error = lowered.withUnsafeBufferPointer { arguments in
            results.withUnsafeMutableBufferPointer { results in
                wasmtime_component_func_call(
                    &function, context, arguments.baseAddress, arguments.count, results.baseAddress, results.count)
            }
        }
        if let error {
            var status: Int32 = 0
            if pending == nil, wasmtime_error_exit_status(error, &status) {
                wasmtime_error_delete(error)
                throw WasmtimeExit(code: status)
            }
            if let exit = pending as? WasmtimeExit {
                wasmtime_error_delete(error)
                throw exit
            }
            throw WasmtimeFailure(error: pendingOr(ComponentErrors.take(error, limits: limits)))
        }
        defer { for index in results.indices { wasmtime_component_val_delete(&results[index]) } }
        let value = results.first.map(ComponentValueBridge.lift)
        if let error = wasmtime_component_func_post_return(&function, context) {
            throw WasmtimeFailure(error: pendingOr(ComponentErrors.take(error, limits: limits)))
        }
        return value
    }

    /// The error a host function raised first, else `error`.
    func pendingOr(_ error: SandboxError) -> SandboxError {
        pending.map { Self.map($0, limits: limits) } ?? error
    }
}
#endif
