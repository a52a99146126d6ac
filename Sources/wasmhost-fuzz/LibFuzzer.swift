import Foundation

/// The target libFuzzer calls, one input at a time, on the thread that runs
/// `runLibFuzzer`. Set once before the driver starts.
nonisolated(unsafe) var libFuzzerTarget: FuzzTarget?

/// libFuzzer's entry point. In a `-sanitize=fuzzer` build this is the function
/// libFuzzer drives; in a plain build nothing calls it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let target = libFuzzerTarget else { return 0 }
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if case .finding(let message) = target.run(bytes) {
        // Not a crash, but a broken promise: make libFuzzer save the input.
        FileHandle.standardError.write(Data("wasmhost-fuzz: FINDING \(message.prefix(500))\n".utf8))
        abort()
    }
    return 0
}

#if WASMHOST_LIBFUZZER
// SwiftPM renames an executable's `main` to `<module>_main` and aliases `main` to
// it, so libFuzzer's own `main` is never linked in; its documented alternative
// for programs with their own main is LLVMFuzzerRunDriver.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// Hands `arguments` (libFuzzer's flags and corpus directories) to libFuzzer.
func runLibFuzzer(_ arguments: [String]) -> Int32 {
    onWorkerStack {
        do { libFuzzerTarget = try FuzzTarget() } catch {
            FileHandle.standardError.write(Data("wasmhost-fuzz: cannot open a temp store: \(error)\n".utf8))
            return 2
        }
        let all = [CommandLine.arguments[0]] + arguments
        var argc = Int32(all.count)
        let vector = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: all.count + 1)
        for (index, argument) in all.enumerated() { vector[index] = strdup(argument) }
        vector[all.count] = nil
        var argv = vector
        let code = LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput)
        libFuzzerTarget?.close()
        return code
    }
}
#endif
