@_spi(WASIPlatform) import WASI
import WasmKit
import WasmKitWASI

/// Links WASI preview 1 into an invocation: WasmKitWASI's implementation,
/// configured as a sandbox with no preopened directories (file calls fail with
/// a WASI error), the request's args and environment, and captured stdio.
enum WASISupport {
    static func link(into imports: inout Imports, context: InvocationContext, module: CompiledModule) throws {
        let streams = context.streams
        let fileSystem = try WASIBridgeToHost.FileSystemOptions.memory(MemoryFileSystem()).withStdio(
            stdin: CapturedStdio(role: .stdin, streams: streams, input: context.wasi.stdin),
            stdout: CapturedStdio(role: .stdout, streams: streams),
            stderr: CapturedStdio(role: .stderr, streams: streams))
        let bridge = try WASIBridgeToHost(
            args: context.wasi.args ?? [], environment: context.wasi.environment, fileSystem: fileSystem)
        // Closed by the invocation whatever happens: a bridge freed without
        // `close()` crashes the process.
        context.bridges.append(bridge)
        bridge.link(to: &imports, store: context.store)
    }
}
