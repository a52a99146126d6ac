import Foundation

/// Which engine runs guests. One per daemon; the Service never asks which.
public enum SandboxEngine: String, Sendable, CaseIterable {
    /// Wasmtime 50 through its C API: compiled code, epochs, pooling allocator.
    case wasmtime
    /// WasmKit 0.4.2: a pure-Swift interpreter with no native dependency.
    case wasmkit

    /// The engines this build contains: WasmKit always, Wasmtime with the `Wasmtime` trait.
    public static var available: [SandboxEngine] {
        #if WASMHOST_WASMTIME
        [.wasmtime, .wasmkit]
        #else
        [.wasmkit]
        #endif
    }

    /// `WASMHOST_SANDBOX_ENGINE` when it names an engine of this build (so that
    /// a test run and the daemons it starts use one engine), otherwise Wasmtime
    /// where it is built in, WasmKit otherwise.
    public static let `default`: SandboxEngine = {
        if let name = getenv("WASMHOST_SANDBOX_ENGINE").map({ String(cString: $0) }),
            let chosen = SandboxEngine(rawValue: name), available.contains(chosen)
        {
            return chosen
        }
        return available[0]
    }()
}
