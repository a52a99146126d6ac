import WasmKit

/// What an instance's host functions talk to: the invocation that currently
/// runs it. A fresh instance is bound once; a recycled one is re-bound every
/// time it is taken from its pool, so nothing leaks between invocations.
final class HostBinding {
    /// The running invocation. `unowned(unsafe)`: set for exactly the span of one
    /// invocation on its worker thread, and cleared before the instance goes back.
    unowned(unsafe) var context: InvocationContext?
    /// WASI functions of the current invocation's bridge (args, env, stdio).
    var wasi: [String: Function.Implementation] = [:]

    init(context: InvocationContext? = nil) {
        self.context = context
    }

    /// Defines the `host` and WASI imports of `module` in `store`, forwarding to this binding.
    func imports(for module: CompiledModule, store: Store) -> Imports {
        var imports = Imports()
        for stub in module.info.importedFunctionTypes {
            let name = stub.name
            let moduleID = module.id
            if stub.module == ProvidedImports.hostModule {
                imports.define(module: stub.module, name: name, Function(store: store, type: stub.signature.wasmKitType) {
                    [unowned self] caller, arguments in
                    guard let context = self.context else { throw HostTrap("host.\(name) called outside an invocation") }
                    return try context.host(name, moduleID: moduleID, caller: caller, arguments: arguments)
                })
            } else if stub.module == ProvidedImports.wasiModule {
                // Looked up once per import, not on every call.
                let regions = WASIPointerCheck.regions[name] ?? []
                imports.define(module: stub.module, name: name, Function(store: store, type: stub.signature.wasmKitType) {
                    [unowned self] caller, arguments in
                    guard let implementation = self.wasi[name], let context = self.context else {
                        throw HostTrap("\(ProvidedImports.wasiModule).\(name) is not bound")
                    }
                    if !regions.isEmpty {
                        try WASIPointerCheck.check(name, regions: regions, arguments: arguments, caller: caller, wasi: context.wasi)
                    }
                    return try implementation(caller, arguments)
                })
            }
        }
        return imports
    }
}
