#if WASMHOST_WASMTIME
import CWasmtime

/// A component compiled by Wasmtime, with its WIT description. Immutable;
/// components are safe to share between threads.
final class WasmtimeComponent: @unchecked Sendable {
    // Safety: the pointer is only read after init and freed once in deinit.
    let component: OpaquePointer
    let description: ComponentDescription
    /// Keeps the engine (and its component linker) alive while the code exists.
    let engine: WasmtimeEngine

    init(component: OpaquePointer, engine: WasmtimeEngine) {
        self.component = component
        self.engine = engine
        description = ComponentTypeReader.describe(component, engine: engine.engine)
    }

    /// The serialized code, for the artifact store.
    func serialized() -> [UInt8]? {
        WasmtimeBytes.taken { wasmtime_component_serialize(component, &$0) }
    }

    deinit { wasmtime_component_delete(component) }
}

extension WasmtimeEngine {
    /// Compiles (and so validates) a component, then checks that this host
    /// provides every import it has.
    func compileComponent(_ binary: [UInt8]) throws(SandboxError) -> WasmtimeComponent {
        var component: OpaquePointer?
        let error = binary.withUnsafeBufferPointer { wasmtime_component_new(engine, $0.baseAddress, $0.count, &component) }
        if let error {
            let message = WasmtimeError.oneLine(WasmtimeError.take(error))
            // A valid component whose initial memory or table is over the pooling
            // allocator's slots (sized by the limits), as for core modules.
            if message.contains("pooling allocator") { throw .limitExceeded(message) }
            throw .invalidModule(message)
        }
        guard let component else { throw .internal("wasmtime_component_new gave no component") }
        let compiled = WasmtimeComponent(component: component, engine: self)
        try ComponentImports.check(compiled.description.imports)
        return compiled
    }

    /// Deserializes a component artifact this daemon wrote (see ``ArtifactStore``).
    func deserializeComponent(_ artifact: [UInt8]) -> WasmtimeComponent? {
        var component: OpaquePointer?
        let error = artifact.withUnsafeBufferPointer {
            wasmtime_component_deserialize(engine, $0.baseAddress, $0.count, &component)
        }
        if let error {
            _ = WasmtimeError.take(error)
            return nil
        }
        return component.map { WasmtimeComponent(component: $0, engine: self) }
    }

    /// The component linker: WASI 0.2 and the wasmtime host interface.
    static func makeComponentLinker(_ engine: OpaquePointer) throws(SandboxError) -> OpaquePointer {
        guard let linker = wasmtime_component_linker_new(engine) else {
            throw .internal("wasmtime_component_linker_new failed")
        }
        if let error = wasmtime_component_linker_add_wasip2(linker) {
            wasmtime_component_linker_delete(linker)
            throw .internal("wasmtime_component_linker_add_wasip2: \(WasmtimeError.take(error))")
        }
        do {
            try ComponentHostFunctions.define(in: linker)
        } catch {
            wasmtime_component_linker_delete(linker)
            throw error
        }
        return linker
    }

    /// Assembles component text (`(component …)`) with Wasmtime's `wat` crate.
    static func assemble(_ text: String) throws(SandboxError) -> [UInt8] {
        var bytes = wasm_byte_vec_t()
        var source = text
        let error = source.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { wasmtime_wat2wasm($0.baseAddress, $0.count, &bytes) }
        }
        if let error { throw .invalidWAT(WasmtimeError.oneLine(WasmtimeError.take(error))) }
        defer { wasm_byte_vec_delete(&bytes) }
        guard let data = bytes.data else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: bytes.size))
    }
}
#endif
