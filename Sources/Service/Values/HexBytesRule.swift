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
            guard let high = Self.hexValue(digits[pair]), let low = Self.hexValue(digits[pair + 1]) else { throw failure }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    /// The value of one ASCII hex digit (either case); `nil` for any other byte.
    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
