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
