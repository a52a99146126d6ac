#if WASMHOST_WASMTIME
import CWasmtime

/// Classifies the errors of component calls. The component C API reports a
/// trap as a `wasmtime_error_t` with no trap code, so its kind is read from
/// Wasmtime's fixed trap texts, and worded as WasmKit words it (``WasmtimeTraps``).
enum ComponentErrors {
    /// Wasmtime's text of each trap kind, and the trap code it stands for.
    private static let kinds: [(text: String, code: Int)] = [
        ("all fuel consumed", WASMHOST_TRAP_OUT_OF_FUEL),
        ("wasm trap: interrupt", WASMHOST_TRAP_INTERRUPT),
        ("call stack exhausted", WASMHOST_TRAP_STACK_OVERFLOW),
        ("out of bounds memory access", WASMHOST_TRAP_MEMORY_OUT_OF_BOUNDS),
        ("unaligned atomic", WASMHOST_TRAP_HEAP_MISALIGNED),
        ("out of bounds table access", WASMHOST_TRAP_TABLE_OUT_OF_BOUNDS),
        ("uninitialized element", WASMHOST_TRAP_INDIRECT_CALL_TO_NULL),
        ("indirect call type mismatch", WASMHOST_TRAP_BAD_SIGNATURE),
        ("integer overflow", WASMHOST_TRAP_INTEGER_OVERFLOW),
        ("integer divide by zero", WASMHOST_TRAP_INTEGER_DIVISION_BY_ZERO),
        ("invalid conversion to integer", WASMHOST_TRAP_BAD_CONVERSION_TO_INTEGER),
        ("`unreachable` instruction executed", WASMHOST_TRAP_UNREACHABLE),
    ]

    /// The component model's refusal to enter an instance that is running.
    static let cannotEnter = "cannot enter component instance"

    /// The Sandbox error for a failed call's `error` (freed here).
    static func take(_ error: OpaquePointer, limits: Limits) -> SandboxError {
        defer { wasmtime_error_delete(error) }
        let message = WasmtimeError.message(error)
        if let kind = kinds.first(where: { message.contains($0.text) }) {
            switch kind.code {
            case WASMHOST_TRAP_OUT_OF_FUEL: return .fuelExhausted(limit: limits.fuel)
            case WASMHOST_TRAP_INTERRUPT: return .timeout(milliseconds: limits.timeoutMilliseconds)
            default:
                return .trap(detail: WasmtimeTraps.detail(of: kind.code), backtrace: WasmtimeTraps.backtrace(ofError: error))
            }
        }
        if message.contains("out of bounds") || message.contains("pointer not aligned") || message.contains("invalid") {
            // The canonical ABI refusing what the guest handed over (a bad string or list pointer).
            return .trap(detail: cause(of: message), backtrace: WasmtimeTraps.backtrace(ofError: error))
        }
        if message.contains("concurrent") || message.contains("pooling") { return .overloaded }
        if message.contains("limit") || message.contains("exceeds") { return .limitExceeded(cause(of: message)) }
        return .trap(detail: cause(of: message), backtrace: WasmtimeTraps.backtrace(ofError: error))
    }

    /// The innermost cause: the last line of Wasmtime's "Caused by:" list, without its number.
    static func cause(of message: String) -> String {
        WasmtimeError.oneLine(message.split(separator: "\n").last.map(String.init) ?? message)
    }
}
#endif
