import Sandbox

/// JSON ⇄ ``WasmValue`` conversion by the export's types, as API.md's Values table says.
enum ValueCodec {
    /// Why one argument was refused; the caller adds the signature.
    struct ArgumentFailure: Error { let message: String }

    /// The call of `target` with the `args` array converted by its parameter
    /// types, or `bad_args` naming the signature and the argument.
    static func call(_ values: [JSONValue], for target: CallTarget) throws(APIError) -> ExportCall {
        do throws(SandboxError) {
            return try target.call(converting: values) { value, type, index throws(SandboxError) in
                do throws(ArgumentFailure) {
                    return try argument(value, as: type)
                } catch {
                    throw .badArgs("\(target.signature.display(name: target.export)): argument \(index + 1) (\(type.rawValue)) \(error.message)")
                }
            }
        } catch {
            throw APIError(error)
        }
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
