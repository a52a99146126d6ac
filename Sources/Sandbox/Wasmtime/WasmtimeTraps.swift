#if WASMHOST_WASMTIME
import CWasmtime

/// Turns Wasmtime's traps into the Sandbox's errors: by `wasmtime_trap_code`,
/// never by message text, with WasmKit's wording for each kind so that both
/// engines answer the same `detail` and metrics label.
enum WasmtimeTraps {
    /// The error a trap stands for, with a backtrace of function names (those
    /// without one named from `module` as WasmKit names them); frees the trap.
    static func take(_ trap: OpaquePointer, limits: Limits, module: ModuleInfo?) -> SandboxError {
        defer { wasm_trap_delete(trap) }
        var code = wasmtime_trap_code_t()
        guard wasmtime_trap_code(trap, &code) else {
            var message = wasm_byte_vec_t()
            wasm_trap_message(trap, &message)
            defer { wasm_byte_vec_delete(&message) }
            return .trap(detail: WasmtimeBytes.string(message), backtrace: [])
        }
        switch Int(code) {
        case WASMHOST_TRAP_OUT_OF_FUEL: return .fuelExhausted(limit: limits.fuel)
        case WASMHOST_TRAP_INTERRUPT: return .timeout(milliseconds: limits.timeoutMilliseconds)
        default: return .trap(detail: detail(of: Int(code)), backtrace: backtrace(of: trap, module: module))
        }
    }

    /// WasmKit 0.4.2's wording of each kind (see TrapClassifier).
    static func detail(of code: Int) -> String {
        switch code {
        case WASMHOST_TRAP_STACK_OVERFLOW: SandboxError.callStackExhausted
        case WASMHOST_TRAP_MEMORY_OUT_OF_BOUNDS: "out of bounds memory access"
        case WASMHOST_TRAP_HEAP_MISALIGNED: "unaligned atomic"
        case WASMHOST_TRAP_TABLE_OUT_OF_BOUNDS: "out of bounds table access"
        case WASMHOST_TRAP_INDIRECT_CALL_TO_NULL: "indirect call to null element"
        case WASMHOST_TRAP_BAD_SIGNATURE: "indirect call type mismatch"
        case WASMHOST_TRAP_INTEGER_OVERFLOW: "integer overflow"
        case WASMHOST_TRAP_INTEGER_DIVISION_BY_ZERO: "integer divide by zero"
        case WASMHOST_TRAP_BAD_CONVERSION_TO_INTEGER: "invalid conversion to integer"
        case WASMHOST_TRAP_UNREACHABLE: "unreachable"
        case WASMHOST_TRAP_NULL_REFERENCE: "null reference"
        case WASMHOST_TRAP_UNCAUGHT_EXCEPTION: "uncaught exception"
        default: "trap \(code)"
        }
    }

    /// Function names of a trap, innermost first, at most ``TrapClassifier/maxBacktraceFrames``.
    static func backtrace(of trap: OpaquePointer, module: ModuleInfo?) -> [String] {
        var frames = wasm_frame_vec_t()
        wasm_trap_trace(trap, &frames)
        return names(&frames, module: module)
    }

    /// Function names of a host error raised under guest frames (components).
    static func backtrace(ofError error: OpaquePointer) -> [String] {
        var frames = wasm_frame_vec_t()
        wasmtime_error_wasm_trace(error, &frames)
        return names(&frames, module: nil)
    }

    private static func names(_ frames: inout wasm_frame_vec_t, module: ModuleInfo?) -> [String] {
        defer { wasm_frame_vec_delete(&frames) }
        guard let data = frames.data else { return [] }
        var names: [String] = []
        for index in 0..<min(frames.size, TrapClassifier.maxBacktraceFrames) {
            guard let frame = data[index] else { continue }
            let name = wasmtime_frame_func_name(frame).map { WasmtimeBytes.string($0.pointee) }
            names.append(name ?? module?.traceName(ofFunction: Int(wasm_frame_func_index(frame))) ?? "unknown")
        }
        while names.last == "unknown" { names.removeLast() }
        return names
    }
}
#endif
