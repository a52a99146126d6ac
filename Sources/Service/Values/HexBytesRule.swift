import Hex

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
        guard text.utf8.count == 2 + count * 2, let bytes = Hex.decode(text.utf8.dropFirst(2)) else { throw failure }
        return bytes
    }
}
