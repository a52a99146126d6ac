/// Which JSON values spell a fixed number of bytes: a string of `0x` (or `0X`)
/// and two hex digits per byte, in memory order (v128 is 16 bytes).
///
/// The argument converter reads with ``read(_:)``; ``ValueSchema`` writes the
/// pattern from the same `count`.
struct HexBytesRule: Sendable, Equatable {
    /// How many bytes.
    let count: Int

    static let v128 = HexBytesRule(count: 16)

    /// The bytes `value` spells.
    func read(_ value: JSONValue) throws(ValueCodec.ArgumentFailure) -> [UInt8] {
        let failure = ValueCodec.ArgumentFailure(message: "must be a string of 0x and \(count * 2) hex digits")
        guard case .string(let text) = value, text.hasPrefix("0x") || text.hasPrefix("0X") else { throw failure }
        let digits = Array(text.utf8.dropFirst(2))
        guard digits.count == count * 2 else { throw failure }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for pair in stride(from: 0, to: digits.count, by: 2) {
            guard let high = HexDigit.value(digits[pair]), let low = HexDigit.value(digits[pair + 1]) else { throw failure }
            bytes.append(high << 4 | low)
        }
        return bytes
    }
}
