import Foundation

/// A value of a WIT type, on its way into or out of a component.
///
/// Names (record fields, cases, flags) are carried as WIT writes them, which is
/// how Wasmtime's C API builds and reads values; the ``WITType`` says the widths.
public indirect enum ComponentValue: Sendable, Hashable {
    case bool(Bool)
    /// `s8` … `s64`.
    case signed(Int64)
    /// `u8` … `u64`.
    case unsigned(UInt64)
    /// `f32` bits, so that NaN payloads survive.
    case f32(UInt32)
    /// `f64` bits.
    case f64(UInt64)
    case char(Unicode.Scalar)
    case string(String)
    case list([ComponentValue])
    case tuple([ComponentValue])
    /// Field values in the record type's field order.
    case record([ComponentValue])
    case variant(name: String, payload: ComponentValue?)
    case enumeration(String)
    case option(ComponentValue?)
    case result(isOk: Bool, payload: ComponentValue?)
    /// The names of the flags that are set.
    case flags([String])
}

extension ComponentValue {
    /// The value as JSON-like text for reentrancy chains (`"world"`, `[1, 2]`, `{"tag": "circle", …}`).
    var label: String {
        switch self {
        case .bool(let flag): return flag ? "true" : "false"
        case .signed(let number): return String(number)
        case .unsigned(let number): return String(number)
        case .f32(let bits): return "\(Float(bitPattern: bits))"
        case .f64(let bits): return "\(Double(bitPattern: bits))"
        case .char(let scalar): return quoted(String(scalar))
        case .string(let text): return quoted(text)
        case .enumeration(let name): return quoted(name)
        case .list(let values), .tuple(let values), .record(let values):
            return "[" + values.map(\.label).joined(separator: ", ") + "]"
        case .flags(let names): return "[" + names.map(quoted).joined(separator: ", ") + "]"
        case .option(let payload): return payload?.label ?? "null"
        case .variant(let name, let payload): return tagged(name, payload)
        case .result(let isOk, let payload): return tagged(isOk ? "ok" : "err", payload)
        }
    }

    private func tagged(_ tag: String, _ payload: ComponentValue?) -> String {
        "{\"tag\": \(quoted(tag))" + (payload.map { ", \"val\": \($0.label)" } ?? "") + "}"
    }

    private func quoted(_ text: String) -> String {
        let short = text.count > 64 ? String(text.prefix(64)) + "…" : text
        return "\"" + short.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
