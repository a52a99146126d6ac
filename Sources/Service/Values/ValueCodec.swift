import Sandbox

/// JSON ⇄ ``WasmValue`` conversion by the export's types, as API.md's Values table says.
enum ValueCodec {
    /// Why one argument was refused; the caller adds the signature.
    struct ArgumentFailure: Error { let message: String }

    /// Converts the `args` array for `signature`, or throws `bad_args` naming it.
    static func arguments(_ values: [JSONValue], for signature: FunctionSignature, export: String) throws(APIError) -> [WasmValue] {
        guard values.count == signature.params.count else {
            throw APIError(.badArgs, "\(signature.display(name: export)) takes \(signature.params.count) argument\(signature.params.count == 1 ? "" : "s"), got \(values.count)")
        }
        var converted: [WasmValue] = []
        converted.reserveCapacity(values.count)
        for (index, (value, type)) in zip(values, signature.params).enumerated() {
            do {
                converted.append(try argument(value, as: type))
            } catch {
                throw APIError(.badArgs, "\(signature.display(name: export)): argument \(index + 1) (\(type.rawValue)) \(error.message)")
            }
        }
        return converted
    }

    static func argument(_ value: JSONValue, as type: WasmValueType) throws(ArgumentFailure) -> WasmValue {
        switch type {
        case .i32: return .i32(UInt32(try integer(value, bits: 32)))
        case .i64: return .i64(try integer(value, bits: 64))
        case .f32: return .f32(try FloatCodec.f32(value))
        case .f64: return .f64(try FloatCodec.f64(value))
        case .v128: return .v128(try vector(value))
        case .funcref, .externref, .otherRef:
            guard case .null = value else { throw ArgumentFailure(message: "must be null") }
            return .ref(type, nil)
        }
    }

    private static func integer(_ value: JSONValue, bits: Int) throws(ArgumentFailure) -> UInt64 {
        do {
            let parts: (negative: Bool, magnitude: UInt64)
            switch value {
            case .number(let text): parts = try ExactInteger.fromJSONNumber(text)
            case .string(let text): parts = try ExactInteger.fromString(text)
            default: throw ArgumentFailure(message: "must be an integer or an integer string, got \(value.typeName)")
            }
            return try ExactInteger.bitPattern(negative: parts.negative, magnitude: parts.magnitude, bits: bits)
        } catch let failure as ArgumentFailure {
            throw failure
        } catch ExactInteger.Failure.notAnInteger {
            throw ArgumentFailure(message: "is not an integer")
        } catch {
            let low = bits == 32 ? "-2147483648" : "-9223372036854775808"
            let high = bits == 32 ? "4294967295" : "18446744073709551615"
            throw ArgumentFailure(message: "is out of range [\(low), \(high)]")
        }
    }

    private static func vector(_ value: JSONValue) throws(ArgumentFailure) -> [UInt8] {
        guard case .string(let text) = value, text.hasPrefix("0x") || text.hasPrefix("0X") else {
            throw ArgumentFailure(message: "must be a string of 0x and 32 hex digits")
        }
        let digits = Array(text.utf8.dropFirst(2))
        guard digits.count == 32, digits.allSatisfy({ Character(UnicodeScalar($0)).isHexDigit }) else { throw ArgumentFailure(message: "must be a string of 0x and 32 hex digits") }
        var bytes: [UInt8] = []
        for pair in stride(from: 0, to: 32, by: 2) {
            guard let byte = UInt8(String(decoding: digits[pair..<pair + 2], as: UTF8.self), radix: 16) else {
                throw ArgumentFailure(message: "must be a string of 0x and 32 hex digits")
            }
            bytes.append(byte)
        }
        return bytes
    }

    /// A result as JSON.
    static func result(_ value: WasmValue) -> JSONValue {
        switch value {
        case .i32(let bits): .number(String(Int32(bitPattern: bits)))
        case .i64(let bits): .number(String(Int64(bitPattern: bits)))
        case .f32(let bits): FloatCodec.json(Float(bitPattern: bits), bits: UInt64(bits), canonicalNaN: 0x7FC0_0000)
        case .f64(let bits): FloatCodec.json(Double(bitPattern: bits), bits: bits, canonicalNaN: 0x7FF8_0000_0000_0000)
        case .v128: .string(value.label)
        case .ref(let type, let handle): handle.map { .string("\(type.rawValue):\($0)") } ?? .null
        }
    }
}
