/// Which JSON values spell a float of one width: any JSON number (rounded to the
/// width as IEEE 754 does), one of the ``specials`` strings, or `{"bits": …}` with
/// an exact bit pattern read by ``bits``.
///
/// The argument converter reads with ``read(_:)``; ``ValueSchema`` writes the JSON
/// Schema from the same table, so the two cannot drift.
struct FloatRule: Sendable {
    /// 32 or 64.
    let width: Int
    /// The special strings and the bit patterns they stand for.
    let specials: [(name: String, bits: UInt64)]
    /// The member of the `{"bits": …}` form.
    let bits: IntegerRule
    /// Reads a JSON number's text as this width's bit pattern.
    private let parse: @Sendable (String) -> UInt64?

    private init(width: Int, nan: UInt64, infinity: UInt64, parse: @escaping @Sendable (String) -> UInt64?) {
        let sign: UInt64 = 1 << UInt64(width - 1)
        self.width = width
        specials = [("nan", nan), ("-nan", nan | sign), ("inf", infinity), ("-inf", infinity | sign)]
        bits = .bitPattern(bits: width)
        self.parse = parse
    }

    static let f32 = FloatRule(
        width: 32, nan: 0x7FC0_0000, infinity: UInt64(Float.infinity.bitPattern),
        parse: { Float($0).map { UInt64($0.bitPattern) } })
    static let f64 = FloatRule(
        width: 64, nan: 0x7FF8_0000_0000_0000, infinity: Double.infinity.bitPattern,
        parse: { Double($0)?.bitPattern })

    /// The bit pattern `value` spells.
    func read(_ value: JSONValue) throws(ValueCodec.ArgumentFailure) -> UInt64 {
        switch value {
        case .number(let text):
            guard let parsed = parse(text) else { throw .init(message: "is not a number") }
            return parsed
        case .string(let text):
            guard let special = specials.first(where: { $0.name == text }) else {
                let names = specials.map { "\"\($0.name)\"" }.joined(separator: ", ")
                throw .init(message: "must be a number, \(names) or {\"bits\": ...}")
            }
            return special.bits
        case .object(let members):
            guard members.count == 1, members[0].0 == "bits" else {
                throw .init(message: "object form must be exactly {\"bits\": ...}")
            }
            do {
                return UInt64(try bits.read(members[0].1))
            } catch {
                throw .init(message: "has bits that are not a \(width)-bit pattern")
            }
        default:
            throw .init(message: "must be a number, not \(value.typeName)")
        }
    }
}
