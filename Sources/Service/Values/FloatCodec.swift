import Sandbox

/// Bit-exact float arguments and shortest-form float results.
enum FloatCodec {
    static func f32(_ value: JSONValue) throws(ValueCodec.ArgumentFailure) -> UInt32 {
        switch value {
        case .number(let text):
            guard let parsed = Float(text) else { throw .init(message: "is not a number") }
            return parsed.bitPattern
        case .string(let text):
            switch text {
            case "nan": return 0x7FC0_0000
            case "-nan": return 0xFFC0_0000
            case "inf": return Float.infinity.bitPattern
            case "-inf": return (-Float.infinity).bitPattern
            default: throw .init(message: "must be a number, \"nan\", \"-nan\", \"inf\", \"-inf\" or {\"bits\": ...}")
            }
        case .object(let members):
            return UInt32(try bits(members, width: 32))
        default:
            throw .init(message: "must be a number, not \(value.typeName)")
        }
    }

    static func f64(_ value: JSONValue) throws(ValueCodec.ArgumentFailure) -> UInt64 {
        switch value {
        case .number(let text):
            guard let parsed = Double(text) else { throw .init(message: "is not a number") }
            return parsed.bitPattern
        case .string(let text):
            switch text {
            case "nan": return 0x7FF8_0000_0000_0000
            case "-nan": return 0xFFF8_0000_0000_0000
            case "inf": return Double.infinity.bitPattern
            case "-inf": return (-Double.infinity).bitPattern
            default: throw .init(message: "must be a number, \"nan\", \"-nan\", \"inf\", \"-inf\" or {\"bits\": ...}")
            }
        case .object(let members):
            return try bits(members, width: 64)
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
