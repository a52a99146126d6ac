import Sandbox

/// How JSON spells a value of one type: the one description that the argument
/// converter (``ValueCodec``) reads by and the schema writer (``ValueSchema``)
/// describes, so that a value is accepted exactly when its schema accepts it.
///
/// Core WebAssembly types use the leaf rules (``IntegerRule``, ``FloatRule``,
/// ``HexBytesRule``, `null`). The composite cases are the WIT types of API.md's
/// component table: the schema writer handles them already; a component value
/// converter reads the same tree when components land.
indirect enum ValueRule: Sendable {
    /// A JSON integer (and, for arguments, an integer string) in a range.
    case integer(IntegerRule)
    /// A JSON number, a special string or `{"bits": …}`.
    case float(FloatRule)
    /// `0x` and hex digits (v128).
    case hexBytes(HexBytesRule)
    /// Only `null` (reference arguments).
    case null
    /// `null`, or an opaque string naming a non-null reference (reference results).
    case opaqueReference
    /// `true` or `false`.
    case boolean
    /// Any string.
    case string
    /// A string of exactly one Unicode scalar value.
    case char
    /// An array of any length.
    case list(ValueRule)
    /// `list<u8>`: an array of bytes, or `{"base64": …}`.
    case bytes
    /// An array of exactly these elements.
    case tuple([ValueRule])
    /// An object with these fields and no others.
    case record([Field])
    /// `{"tag": case, "val": payload}`, `val` absent for a case without payload.
    case variant([Case])
    /// One of these names.
    case enumeration([String])
    /// An array of distinct names from these.
    case flags([String])
    /// `null` (none) or the value; a nested option's outer level is `{"tag": "none"}` / `{"tag": "some", "val": …}`.
    case option(ValueRule)
    /// `{"tag": "ok", "val": …}` or `{"tag": "err", "val": …}`; a `nil` side has no `val`.
    case result(ok: ValueRule?, err: ValueRule?)

    /// A record field.
    struct Field: Sendable {
        let name: String
        let rule: ValueRule
        /// An argument's `option` field may be left out (= none); a result has every field.
        let mayBeOmitted: Bool
    }

    /// A variant case.
    struct Case: Sendable {
        let name: String
        let payload: ValueRule?
    }

    /// How an argument of a core type is spelled (API.md's Values table).
    static func argument(for type: WasmValueType) -> ValueRule {
        switch type {
        case .i32: .integer(.i32Argument)
        case .i64: .integer(.i64Argument)
        case .f32: .float(.f32)
        case .f64: .float(.f64)
        case .v128: .hexBytes(.v128)
        case .funcref, .externref, .otherRef: .null
        }
    }

    /// How a result of a core type is written (API.md's Values table).
    static func result(for type: WasmValueType) -> ValueRule {
        switch type {
        case .i32: .integer(.i32Result)
        case .i64: .integer(.i64Result)
        case .f32: .float(.f32)
        case .f64: .float(.f64)
        case .v128: .hexBytes(.v128)
        case .funcref, .externref, .otherRef: .opaqueReference
        }
    }

    /// The `u8` of `list<u8>`.
    static let byte = ValueRule.integer(IntegerRule(minimum: 0, maximum: 255, acceptsStrings: true))
}
