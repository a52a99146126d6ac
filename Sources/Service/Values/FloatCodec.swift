import Sandbox

/// Bit-exact float arguments and shortest-form float results.
enum FloatCodec {
    /// The bit patterns one float width uses for the special strings.
    private struct Width: Sendable {
        let bits: Int
        let nan: UInt64
        let infinity: UInt64
        let parse: @Sendable (String) -> UInt64?
    }

    private static let binary32 = Width(
        bits: 32, nan: 0x7FC0_0000, infinity: UInt64(Float.infinity.bitPattern),
        parse: { Float($0).map { UInt64($0.bitPattern) } })
    private static let binary64 = Width(
        bits: 64, nan: 0x7FF8_0000_0000_0000, infinity: Double.infinity.bitPattern,
        parse: { Double($0)?.bitPattern })

    static func f32(_ value: JSONValue) throws(ValueCodec.ArgumentFailure) -> UInt32 {
        UInt32(truncatingIfNeeded: try bits(value, binary32))
    }

    static func f64(_ value: JSONValue) throws(ValueCodec.ArgumentFailure) -> UInt64 {
        try bits(value, binary64)
    }

    /// A JSON number (rounded to the width as IEEE 754 does), a special string, or `{"bits": ...}`.
    private static func bits(_ value: JSONValue, _ width: Width) throws(ValueCodec.ArgumentFailure) -> UInt64 {
        let sign: UInt64 = 1 << UInt64(width.bits - 1)
        switch value {
        case .number(let text):
            guard let parsed = width.parse(text) else { throw .init(message: "is not a number") }
            return parsed
        case .string("nan"): return width.nan
        case .string("-nan"): return width.nan | sign
        case .string("inf"): return width.infinity
        case .string("-inf"): return width.infinity | sign
        case .string:
            throw .init(message: "must be a number, \"nan\", \"-nan\", \"inf\", \"-inf\" or {\"bits\": ...}")
        case .object(let members):
            return try bits(members, width: width.bits)
        default:
            throw .init(message: "must be a number, not \(value.typeName)")
        }
    }

    /// `{"bits": "0x7fc00000"}`: a string (decimal or 0x hex) or an integer.
    private static func bits(_ members: [(String, JSONValue)], width: Int) throws(ValueCodec.ArgumentFailure) -> UInt64 {
        guard members.count == 1, members[0].0 == "bits" else {
            throw .init(message: "object form must be exactly {\"bits\": ...}")
        }
        do {
            let parts: (negative: Bool, magnitude: UInt64)
            switch members[0].1 {
            case .string(let text): parts = try ExactInteger.fromString(text)
            case .number(let text): parts = try ExactInteger.fromJSONNumber(text)
            default: throw ExactInteger.Failure.notAnInteger
            }
            guard !parts.negative else { throw ExactInteger.Failure.outOfRange }
            return try ExactInteger.bitPattern(negative: false, magnitude: parts.magnitude, bits: width)
        } catch {
            throw .init(message: "has bits that are not a \(width)-bit pattern")
        }
    }

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
