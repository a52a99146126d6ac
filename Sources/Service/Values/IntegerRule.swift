/// Which JSON values spell an integer of one type: JSON numbers that are exactly
/// an integer in [`minimum`, `maximum`], and (for arguments) the same range as a
/// decimal or `0x` hex string with an optional `-`.
///
/// The argument converter reads with ``read(_:)``; ``ValueSchema`` writes the JSON
/// Schema from the same bounds, so the two cannot drift.
struct IntegerRule: Sendable, Equatable {
    /// The smallest accepted value; at most 0.
    let minimum: Int128
    /// The largest accepted value; at least 0.
    let maximum: Int128
    /// Whether decimal and `0x` hex strings are accepted (arguments) or not (results).
    let acceptsStrings: Bool

    /// An argument of a `bits`-wide WebAssembly integer: signed range, or the
    /// unsigned bit pattern for values ≥ 2^(bits-1).
    static func wasmArgument(bits: Int) -> IntegerRule {
        IntegerRule(minimum: -(Int128(1) << (bits - 1)), maximum: (Int128(1) << bits) - 1, acceptsStrings: true)
    }

    /// A result of a `bits`-wide WebAssembly integer: always written signed.
    static func wasmResult(bits: Int) -> IntegerRule {
        IntegerRule(minimum: -(Int128(1) << (bits - 1)), maximum: (Int128(1) << (bits - 1)) - 1, acceptsStrings: false)
    }

    /// Any bit pattern of a `bits`-wide value, as a non-negative integer (`{"bits": …}` of a float).
    static func bitPattern(bits: Int) -> IntegerRule {
        IntegerRule(minimum: 0, maximum: (Int128(1) << bits) - 1, acceptsStrings: true)
    }

    static let i32Argument = wasmArgument(bits: 32)
    static let i64Argument = wasmArgument(bits: 64)
    static let i32Result = wasmResult(bits: 32)
    static let i64Result = wasmResult(bits: 64)

    /// Reads `value` exactly (never through a `Double`) and checks the range.
    func read(_ value: JSONValue) throws(ValueCodec.ArgumentFailure) -> Int128 {
        let parts: (negative: Bool, magnitude: UInt64)?
        do {
            parts = try signAndMagnitude(value)
        } catch .notAnInteger {
            throw ValueCodec.ArgumentFailure(message: "is not an integer")
        } catch {
            throw outOfRange
        }
        guard let parts else {
            throw ValueCodec.ArgumentFailure(
                message: "must be an integer\(acceptsStrings ? " or an integer string" : ""), got \(value.typeName)")
        }
        let integer = parts.negative ? -Int128(parts.magnitude) : Int128(parts.magnitude)
        guard minimum <= integer, integer <= maximum else { throw outOfRange }
        return integer
    }

    /// `nil` when `value` is of a JSON type this rule does not take.
    private func signAndMagnitude(_ value: JSONValue) throws(ExactInteger.Failure) -> (negative: Bool, magnitude: UInt64)? {
        switch value {
        case .number(let text): try ExactInteger.fromJSONNumber(text)
        case .string(let text) where acceptsStrings: try ExactInteger.fromString(text)
        default: nil
        }
    }

    private var outOfRange: ValueCodec.ArgumentFailure {
        ValueCodec.ArgumentFailure(message: "is out of range [\(minimum), \(maximum)]")
    }
}
