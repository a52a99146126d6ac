#if WASMHOST_WASMTIME
import CWasmtime
import Foundation

/// The host interface for components, `wasmhost:host/api@1.0.0` (API.md,
/// "Components"; its WIT is `Sources/Sandbox/Resources/wasmhost-host.wit`),
/// defined once in the engine's component linker. Each call finds its
/// invocation through the calling store's data.
enum ComponentHostFunctions {
    /// The functions in a fixed order: a function's index is its callback `data`.
    static let names = ["log", "invoke"]

    static func define(in linker: OpaquePointer) throws(SandboxError) {
        guard let root = wasmtime_component_linker_root(linker) else { throw .internal("wasmtime_component_linker_root failed") }
        defer { wasmtime_component_linker_instance_delete(root) }
        var api: OpaquePointer?
        let name = ComponentImports.hostInterface
        if let error = WasmtimeBytes.withName(name, { wasmtime_component_linker_instance_add_instance(root, $0, $1, &api) }) {
            throw .internal("defining \(name): \(WasmtimeError.take(error))")
        }
        guard let api else { throw .internal("defining \(name) gave no instance") }
        defer { wasmtime_component_linker_instance_delete(api) }
        for (index, function) in names.enumerated() {
            let error = WasmtimeBytes.withName(function) {
                wasmtime_component_linker_instance_add_func(
                    api, $0, $1, trampoline, UnsafeMutableRawPointer(bitPattern: index + 1), nil)
            }
            if let error { throw .internal("defining \(name)#\(function): \(WasmtimeError.take(error))") }
        }
    }

    /// The C entry of every host interface function.
    private static let trampoline: wasmtime_component_func_callback_t = { data, context, _, args, argumentCount, results, resultCount in
        let index = Int(bitPattern: data) - 1
        guard let context, let storeData = wasmtime_context_get_data(context), names.indices.contains(index) else {
            return error("host function called outside an invocation")
        }
        let store = Unmanaged<WasmtimeStoreData>.fromOpaque(storeData).takeUnretainedValue()
        let invocation = store.invocation
        let arguments = args.map { args in (0..<argumentCount).map { ComponentValueBridge.lift(args[$0]) } } ?? []
        do {
            guard let value = try invocation.componentHost(names[index], arguments: arguments, context: context) else { return nil }
            guard let results, resultCount == 1 else { return error("host function result count mismatch") }
            results[0] = try ComponentValueBridge.lower(value, as: .result(ok: .string, err: .string))
            return nil
        } catch {
            if invocation.pending == nil { invocation.pending = error }
            return Self.error((error as? HostTrap)?.message ?? "host call failed")
        }
    }

    private static func error(_ message: String) -> OpaquePointer? {
        message.withCString { wasmtime_error_new($0) }
    }
}

extension WasmtimeInvocation {
    /// `log` and `invoke` of the host interface; the value `invoke` returns.
    func componentHost(_ name: String, arguments: [ComponentValue], context: OpaquePointer) throws -> ComponentValue? {
        switch (name, arguments.first) {
        case ("log", .string(let message)?):
            var text = message
            text.withUTF8 { streams.log(UnsafeRawBufferPointer($0)) }
            return nil
        case ("invoke", _):
            guard arguments.count == 3, case .string(let ref) = arguments[0], case .string(let export) = arguments[1],
                case .string(let json) = arguments[2]
            else { throw HostTrap("invoke: bad arguments") }
            if timedOut() { throw DeadlinePassed() }
            return try invokeFromComponent(ref: ref, export: export, argumentsJSON: json, caller: context)
        default:
            throw HostTrap("\(ComponentImports.hostInterface)#\(name) is not provided")
        }
    }
}
#endif
