import Sandbox
import Synchronization

/// One engine's modules for `host.invoke`, by id and by name (the last module
/// added under a name wins, on both engines alike).
final class NamedModules: ModuleDirectory {
    private let state = Mutex<(modules: [String: CompiledModule], names: [String: String])>(([:], [:]))

    func add(_ module: CompiledModule, names: [String]) {
        state.withLock { state in
            state.modules[module.id] = module
            for name in names { state.names[name] = module.id }
        }
    }

    func compiledModule(for ref: String) throws(SandboxError) -> CompiledModule? {
        state.withLock { state in state.modules[state.names[ref] ?? ref] }
    }

    func label(for id: String) -> String {
        state.withLock { state in
            state.names.filter { $0.value == id }.map(\.key).sorted().first ?? String(id.prefix(12))
        }
    }
}
