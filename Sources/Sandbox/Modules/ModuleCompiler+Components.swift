import WasmKit

extension ModuleCompiler {
    /// True for a component binary: `\\0asm` with version 0x0d and layer 1.
    public static func isComponent(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 8 && isBinary(bytes) && bytes[4] == 0x0D && bytes[5] == 0x00 && bytes[6] == 0x01 && bytes[7] == 0x00
    }

    /// True when WAT text starts (after blanks and comments) with `(component`.
    static func isComponentText(_ text: String) -> Bool {
        var rest = Substring(text)
        while true {
            rest = rest.drop { $0.isWhitespace }
            if rest.hasPrefix(";;") {
                rest = rest.drop { $0 != "\n" }
            } else if rest.hasPrefix("(;") {
                guard let end = rest.range(of: ";)") else { return false }
                rest = rest[end.upperBound...]
            } else {
                break
            }
        }
        guard rest.hasPrefix("(") else { return false }
        return rest.dropFirst().drop { $0.isWhitespace }.hasPrefix("component")
    }

    /// The reason a component cannot run on this compiler's engine.
    var componentsUnsupported: SandboxError {
        .unsupportedModule(
            "this is a WebAssembly component; components run on the Wasmtime engine only, and this daemon runs "
                + "sandbox.engine: \\(configuration.engine.rawValue)")
    }

    func assembleComponent(_ text: String) throws(SandboxError) -> [UInt8] {
        #if WASMHOST_WASMTIME
        guard configuration.engine == .wasmtime else { throw componentsUnsupported }
        return try WasmtimeEngine.assemble(text)
        #else
        throw componentsUnsupported
        #endif
    }

    /// Compiles and describes a component (Wasmtime only), reusing a saved artifact.
    func compileComponent(_ binary: [UInt8], id: String) throws(SandboxError) -> CompiledModule {
        #if WASMHOST_WASMTIME
        guard configuration.engine == .wasmtime else { throw componentsUnsupported }
        guard let wasmtime else { throw .internal("the Wasmtime engine did not start") }
        let compiled: WasmtimeComponent
        if let artifacts, let saved = artifacts.load(id: id), let loaded = wasmtime.deserializeComponent(saved) {
            try ComponentImports.check(loaded.description.imports)
            compiled = loaded
        } else {
            compiled = try wasmtime.compileComponent(binary)
            if let artifacts, let code = compiled.serialized() { artifacts.save(id: id, code: code) }
        }
        let description = compiled.description
        guard let info = Self.componentInfo else { throw .internal("the empty module does not parse") }
        var module = CompiledModule(
            id: id, size: binary.count, description: info.description, usesWASI: description.usesWASI,
            callsOtherModules: description.imports.contains(ComponentImports.hostInterface),
            code: .wasmtimeComponent(compiled), info: info, pool: nil)
        module.component = description
        return module
        #else
        throw componentsUnsupported
        #endif
    }

    /// The core facts of a component, which has no core exports of its own: those
    /// of `(module)`, parsed once.
    static let componentInfo: ModuleInfo? = try? ModuleInfo(
        bytes: [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00], features: SandboxConfiguration.features)
}
