import Sandbox

/// Shortest-form float results (arguments are read by ``FloatRule``).
enum FloatCodec {
    /// Shortest decimal that reads back to the same value of its type, or the
    /// strings `nan`, `-nan`, `inf`, `-inf`. A NaN with a payload other than the
    /// canonical one is written `{"bits": "0x…"}` so that no bit is lost.
    static func json<F: BinaryFloatingPoint & LosslessStringConvertible>(
        _ value: F, bits: UInt64, canonicalNaN: UInt64
    ) -> JSONValue {
        if value.isNaN {
            let signBit: UInt64 = F.self == Float.self ? 0x8000_0000 : 0x8000_0000_0000_0000
            if bits & ~signBit != canonicalNaN {
                return .object([("bits", .string("0x" + String(bits, radix: 16)))])
            }
        }
        let text = FloatText.format(value)
        return value.isFinite ? .number(text) : .string(text)
    }
}
