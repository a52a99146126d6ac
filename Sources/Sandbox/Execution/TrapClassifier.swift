/// What kind of trap a WasmKit error text describes.
///
/// WasmKit keeps `TrapReason` package-private and exposes only descriptions, so
/// the kinds wasmhost treats specially are recognised here, by their wording,
/// and nowhere else. `TrapClassifierTests` pins the wording of WasmKit 0.4.2.
enum TrapKind: Equatable {
    case outOfFuel
    case callStackExhausted
    case initialSizeOverLimit(String)
    case other(String)
}

enum TrapClassifier {
    /// Frames of a backtrace kept in an answer; WasmKit's can run to thousands.
    static let maxBacktraceFrames = 32

    /// Splits `Trap.description` ("Trap: reason\n    0: (0x…) name\n…") into its
    /// kind and, at most ``maxBacktraceFrames``, function names (no addresses).
    static func classify(_ description: String) -> (kind: TrapKind, backtrace: [String]) {
        var lines = description.split(separator: "\n", omittingEmptySubsequences: true)[...]
        var reason = String(lines.popFirst() ?? "")
        if reason.hasPrefix("Trap: ") { reason.removeFirst(6) }
        var backtrace: [String] = []
        for line in lines.prefix(maxBacktraceFrames) {
            // "    3: (0x55d1c0) name" → "name"
            if let close = line.firstIndex(of: ")") {
                backtrace.append(line[line.index(after: close)...].trimmingCharacters(in: " "))
            }
        }
        // WasmKit ends the trace with the host's entry frame, which has no name.
        while backtrace.last == "unknown" { backtrace.removeLast() }
        return (kind(of: reason), backtrace)
    }

    static func kind(of reason: String) -> TrapKind {
        switch reason {
        case "out of fuel": return .outOfFuel
        case "call stack exhausted": return .callStackExhausted
        default:
            if reason.hasPrefix("initial memory size exceeds the resource limit")
                || reason.hasPrefix("initial table size exceeds the resource limit")
            {
                return .initialSizeOverLimit(reason)
            }
            return .other(reason)
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}

/// Bounded labels for trap metrics, from the trap's text.
public enum TrapLabel {
    /// One of: out_of_bounds, divide_by_zero, integer_overflow, unreachable,
    /// stack_exhausted, invalid_conversion, indirect_call, null_reference, host, other.
    public static func label(for detail: String) -> String {
        if detail.hasPrefix("out of bounds") { return "out_of_bounds" }
        if detail == "integer divide by zero" { return "divide_by_zero" }
        if detail == "integer overflow" { return "integer_overflow" }
        if detail == "unreachable" { return "unreachable" }
        if detail == SandboxError.callStackExhausted { return "stack_exhausted" }
        if detail == "invalid conversion to integer" { return "invalid_conversion" }
        if detail.hasPrefix("indirect call") { return "indirect_call" }
        if detail.hasPrefix("null ") { return "null_reference" }
        if detail.hasPrefix("host.") { return "host" }
        return "other"
    }
}
