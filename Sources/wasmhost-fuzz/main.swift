// Temporary probe: does a libFuzzer build link? (replaced by the real harness)
import Sandbox
import ModuleStore

let probeCompiler = ModuleCompiler(configuration: SandboxConfiguration())

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let binary = try? probeCompiler.binary(from: bytes) {
        _ = try? probeCompiler.compile(binary: binary, id: ModuleStore.id(of: binary))
    }
    return 0
}
