@_spi(WASIPlatform) import WASI
import WasmKit
import WasmKitWASI

/// WASI preview 1 for one invocation: WasmKitWASI's implementation, configured
/// as a sandbox with no preopened directories (file calls fail with a WASI
/// error), the request's args and environment, and captured stdio.
enum WASISupport {
    /// Creates the invocation's bridge and binds its functions into `binding`.
    /// The bridge is closed by the invocation whatever happens: a bridge freed
    /// without `close()` crashes the process.
    static func bind(_ binding: HostBinding, context: InvocationContext) throws {
        let streams = context.streams
        let fileSystem = try WASIBridgeToHost.FileSystemOptions.memory(MemoryFileSystem()).withStdio(
            stdin: CapturedStdio(role: .stdin, streams: streams, input: context.wasi.stdin),
            stdout: CapturedStdio(role: .stdout, streams: streams),
            stderr: CapturedStdio(role: .stderr, streams: streams))
        let bridge = try WASIBridgeToHost(
            args: context.wasi.args ?? [], environment: context.wasi.environment, fileSystem: fileSystem)
        context.bridges.append(bridge)
        binding.wasi = (WASIFunctionTable.self as any WASIFunctionProvider.Type).implementations(of: bridge)
    }
}

/// WasmKitWASI exposes a bridge's functions as closures only through the
/// deprecated `hostModules`; reading it through this protocol confines the
/// deprecation to one place and keeps the build free of warnings.
private protocol WASIFunctionProvider {
    static func implementations(of bridge: WASIBridgeToHost) -> [String: Function.Implementation]
}

private enum WASIFunctionTable: WASIFunctionProvider {
    @available(*, deprecated, message: "reads WasmKitWASI's deprecated hostModules")
    static func implementations(of bridge: WASIBridgeToHost) -> [String: Function.Implementation] {
        (bridge.hostModules[ProvidedImports.wasiModule]?.functions ?? [:]).mapValues { $0.implementation }
    }
}
