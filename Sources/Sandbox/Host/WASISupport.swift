import WasmKit

/// Links WASI preview 1 into an invocation's imports.
enum WASISupport {
    static func link(into imports: inout Imports, context: InvocationContext, module: CompiledModule) throws {
        throw HostTrap("WASI is not available yet")
    }
}
