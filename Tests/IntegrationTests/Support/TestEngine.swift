import TestSupport
import Foundation

/// The engine this test run's daemons use: `WASMHOST_SANDBOX_ENGINE` (make test
/// runs the suite once per engine), or the build's default, Wasmtime.
enum TestEngine {
    static let name = ProcessInfo.processInfo.environment["WASMHOST_SANDBOX_ENGINE"] ?? "wasmtime"
    static var isWasmKit: Bool { name == "wasmkit" }
}
