#if WASMHOST_WASMTIME
import CWasmtime
import Foundation

/// The `host` module on Wasmtime: defined once in the engine's linker; each
/// call finds its invocation through the calling store's data.
enum WasmtimeHostFunctions {
    /// The functions in a fixed order: a function's index is its callback `env`.
    static let names = ["log", "input_size", "input_read", "output_write", "call", "invoke"]

    static func define(in linker: OpaquePointer) throws(SandboxError) {
        for (index, name) in names.enumerated() {
            guard let signature = ProvidedImports.host[name] else { continue }
            let type = functionType(signature)
            defer { wasm_functype_delete(type) }
            let module = ProvidedImports.hostModule
            let error = module.withCString { modulePointer in
                name.withCString { namePointer in
                    wasmtime_linker_define_func(
                        linker, modulePointer, strlen(modulePointer), namePointer, strlen(namePointer), type,
                        trampoline, UnsafeMutableRawPointer(bitPattern: index + 1), nil)
                }
            }
            if let error { throw .internal("defining host.\(name): \(WasmtimeError.take(error))") }
        }
    }

    private static func functionType(_ signature: FunctionSignature) -> OpaquePointer? {
        func vector(_ types: [WasmValueType]) -> wasm_valtype_vec_t {
            var vector = wasm_valtype_vec_t()
            var kinds: [OpaquePointer?] = types.map { type in
                wasm_valtype_new(wasm_valkind_t(type == .i64 ? WASMHOST_WASM_I64 : WASMHOST_WASM_I32))
            }
            kinds.withUnsafeMutableBufferPointer { wasm_valtype_vec_new(&vector, $0.count, $0.baseAddress) }
            return vector
        }
        var params = vector(signature.params)
        var results = vector(signature.results)
        return wasm_functype_new(&params, &results)
    }

    /// The C entry of every host function.
    private static let trampoline: wasmtime_func_callback_t = { env, caller, args, argumentCount, results, resultCount in
        let index = Int(bitPattern: env) - 1
        guard let caller, let context = wasmtime_caller_context(caller), let data = wasmtime_context_get_data(context),
            names.indices.contains(index)
        else { return trap("host function called outside an invocation") }
        let store = Unmanaged<WasmtimeStoreData>.fromOpaque(data).takeUnretainedValue()
        let arguments = args.map { args in (0..<argumentCount).map { WasmtimeValues.fromWasmtime(args[$0]) } } ?? []
        let invocation = store.invocation
        do {
            let values = try invocation.host(
                names[index], caller: caller, context: context, module: store.module, arguments: arguments)
            for (slot, value) in values.prefix(resultCount).enumerated() {
                results?[slot] = WasmtimeValues.toWasmtime(value)
            }
            return nil
        } catch {
            // The first error is the one reported; the trap only unwinds the guest.
            if invocation.pending == nil { invocation.pending = error }
            return trap((error as? HostTrap)?.message ?? "host call failed")
        }
    }

    private static func trap(_ message: String) -> OpaquePointer? {
        message.withCString { wasmtime_trap_new($0, strlen($0)) }
    }
}

extension WasmtimeInvocation {
    /// The `host` functions (see API.md, "Host imports").
    func host(
        _ name: String, caller: OpaquePointer, context: OpaquePointer, module: CompiledModule, arguments: [WasmValue]
    ) throws -> [WasmValue] {
        let memory = WasmtimeCallerMemory(caller: caller, context: context)
        switch name {
        case "log":
            try memory.read(arguments[0], arguments[1]) { streams.log($0) }
            return []
        case "output_write":
            try memory.read(arguments[0], arguments[1]) { streams.output.append($0, cap: streams.cap) }
            return []
        case "input_size":
            return [.i32(UInt32(truncatingIfNeeded: request.input.count))]
        case "input_read":
            return [.i32(UInt32(try memory.write(request.input, at: arguments[0], limit: arguments[1])))]
        case "call":
            let export = try memory.string(arguments[0], arguments[1])
            if timedOut() { throw DeadlinePassed() }
            var item = wasmtime_extern_t()
            let found = WasmtimeBytes.withName(export) { wasmtime_caller_export_get(caller, $0, $1, &item) }
            let function = found && Int(item.kind) == WASMHOST_EXTERN_FUNC ? item.of.func : nil
            return try callExport(export, function, context: context, module: module, argument: arguments[2], via: "host.call")
        case "invoke":
            let ref = try memory.string(arguments[0], arguments[1])
            let export = try memory.string(arguments[2], arguments[3])
            if timedOut() { throw DeadlinePassed() }
            // A module deleted between the lookup of its name and the read of its
            // bytes is missing too: a trap, like any failure inside a host call.
            guard let target = try Self.storedModule(ref, in: directory) else { throw HostTrap("host.invoke: no module '\(ref)'") }
            if case .wasmtimeComponent(let code) = target.code {
                return try invokeComponentFromCore(target, code: code, export: export, argument: arguments[4], caller: context)
            }
            var instance = try self.target(for: target, caller: context)
            var item = wasmtime_extern_t()
            let found = WasmtimeBytes.withName(export) {
                wasmtime_instance_export_get(instance.context, &instance.instance, $0, $1, &item)
            }
            let function = found && Int(item.kind) == WASMHOST_EXTERN_FUNC ? item.of.func : nil
            return try Self.sharingFuel(of: context, with: instance.context) {
                try callExport(export, function, context: instance.context, module: target, argument: arguments[4], via: "host.invoke")
            }
        default:
            throw HostTrap("host.\(name) is not provided")
        }
    }

    /// The module `ref` names, or nil when there is none (also when it was
    /// deleted after its name was looked up); other failures propagate.
    static func storedModule(_ ref: String, in directory: any ModuleDirectory) throws(SandboxError) -> CompiledModule? {
        do {
            return try directory.compiledModule(for: ref)
        } catch {
            if case .moduleNotFound = error { return nil }
            throw error
        }
    }

    /// The instance `host.invoke` calls: the invoked module's own instance, or
    /// one per other module in a store of its own, created on first use with the
    /// fuel the caller has left (its start function runs on the invocation's budget).
    func target(for module: CompiledModule, caller: OpaquePointer) throws -> WasmtimeTarget {
        if let existing = targets[module.id] { return existing }
        guard case .wasmtime(let code) = module.code else { throw HostTrap("host.invoke: module built for another engine") }
        let remaining = Self.fuel(of: caller)
        let created: WasmtimeTarget
        do {
            created = try instantiate(module, code: code, fuel: remaining)
        } catch {
            throw WasmtimeFailure(error: error)
        }
        Self.setFuel(Self.fuel(of: created.context), of: caller)
        targets[module.id] = created
        return created
    }

    /// Runs `body` in `callee`'s store on the fuel `caller` has left, then hands
    /// what is left back to `caller`, whether `body` returns or throws.
    static func sharingFuel<T>(of caller: OpaquePointer, with callee: OpaquePointer, _ body: () throws -> T) rethrows -> T {
        guard caller != callee else { return try body() }
        setFuel(fuel(of: caller), of: callee)
        defer { setFuel(fuel(of: callee), of: caller) }
        return try body()
    }

    private func callExport(
        _ export: String, _ function: wasmtime_func_t?, context: OpaquePointer, module: CompiledModule,
        argument: WasmValue, via entry: String
    ) throws -> [WasmValue] {
        guard !export.hasPrefix(ModuleRewriter.reservedPrefix), var function else {
            throw HostTrap("\(entry): module \(directory.label(for: module.id)) has no function export '\(export)'")
        }
        guard module.description.function(named: export) == FunctionSignature(params: [.i64], results: [.i64]) else {
            throw HostTrap("\(entry): export '\(export)' is not (i64) -> i64")
        }
        guard case .i64 = argument else { throw HostTrap("\(entry): argument is not i64") }
        return try enter(&function, context: context, frame: Frame(moduleID: module.id, export: export, arguments: [argument]),
                         resultCount: 1)
    }

    /// Calls `function` as a new frame on the chain; a guest failure below is
    /// kept as the invocation's error and rethrown to unwind this host call.
    func enter(_ function: inout wasmtime_func_t, context: OpaquePointer, frame: Frame, resultCount: Int) throws -> [WasmValue] {
        try reentrancy.enter(frame) { [directory] id in directory.label(for: id) }
        defer { reentrancy.exit() }
        var arguments = frame.arguments.map(WasmtimeValues.toWasmtime)
        var results = [wasmtime_val_t](repeating: wasmtime_val_t(), count: resultCount)
        var trap: OpaquePointer?
        let error = arguments.withUnsafeMutableBufferPointer { arguments in
            results.withUnsafeMutableBufferPointer { results in
                wasmtime_func_call(
                    context, &function, arguments.baseAddress, arguments.count, results.baseAddress, results.count, &trap)
            }
        }
        switch failure(error: error, trap: trap) {
        case nil:
            defer { for index in results.indices { wasmtime_val_unroot(&results[index]) } }
            return results.map(WasmtimeValues.fromWasmtime)
        case .exited(let code):
            throw WasmtimeExit(code: code)
        case .failed(let error):
            throw WasmtimeFailure(error: error)
        }
    }
}

/// Bounds-checked access to the calling guest's exported `memory`, as
/// ``CallerMemory`` gives on WasmKit: a bad pointer or length traps.
struct WasmtimeCallerMemory: GuestBytes {
    private let base: UnsafeMutablePointer<UInt8>?
    private let size: Int

    init(caller: OpaquePointer, context: OpaquePointer) {
        var item = wasmtime_extern_t()
        if wasmtime_caller_export_get(caller, "memory", 6, &item), Int(item.kind) == WASMHOST_EXTERN_MEMORY {
            var memory = item.of.memory
            base = wasmtime_memory_data(context, &memory)
            size = wasmtime_memory_data_size(context, &memory)
        } else {
            base = nil
            size = 0
        }
    }

    private func range(_ pointer: WasmValue, _ length: WasmValue) throws -> Range<Int> {
        guard base != nil, case .i32(let start) = pointer, case .i32(let count) = length else {
            throw HostTrap("out of bounds memory access")
        }
        let end = UInt64(start) + UInt64(count)
        guard end <= UInt64(size) else { throw HostTrap("out of bounds memory access") }
        return Int(start)..<Int(end)
    }

    func read(_ pointer: WasmValue, _ length: WasmValue, _ body: (UnsafeRawBufferPointer) -> Void) throws {
        let bounds = try range(pointer, length)
        body(UnsafeRawBufferPointer(start: base.map { $0 + bounds.lowerBound }, count: bounds.count))
    }


    func write(_ bytes: [UInt8], at pointer: WasmValue, limit: WasmValue) throws -> Int {
        guard case .i32(let requested) = limit else { throw HostTrap("out of bounds memory access") }
        let count = min(Int(requested), bytes.count)
        let bounds = try range(pointer, .i32(UInt32(count)))
        guard count > 0, let base else { return 0 }
        bytes.withUnsafeBytes { source in
            if let source = source.baseAddress {
                UnsafeMutableRawPointer(base + bounds.lowerBound).copyMemory(from: source, byteCount: count)
            }
        }
        return count
    }
}
#endif
