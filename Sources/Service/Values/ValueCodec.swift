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

    /// Converts one argument by the rule of its type (``ValueRule/argument(for:)``),
    /// the rule the module's JSON Schema is written from.
    static func argument(_ value: JSONValue, as type: WasmValueType) throws(ArgumentFailure) -> WasmValue {
        switch (ValueRule.argument(for: type), type) {
        case (.integer(let rule), .i64): return .i64(UInt64(truncatingIfNeeded: try rule.read(value)))
        case (.integer(let rule), _): return .i32(UInt32(truncatingIfNeeded: try rule.read(value)))
        case (.float(let rule), .f32): return .f32(UInt32(truncatingIfNeeded: try rule.read(value)))
        case (.float(let rule), _): return .f64(try rule.read(value))
        case (.hexBytes(let rule), _): return .v128(try rule.read(value))
        case (.null, _):
            guard case .null = value else { throw ArgumentFailure(message: "must be null") }
            return .ref(type, nil)
        default:
            throw ArgumentFailure(message: "has a type that cannot be read from JSON")
        }
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
