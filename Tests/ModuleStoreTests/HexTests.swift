import Hex
import Testing

/// The one hex helper (module ids are its main user).
@Suite(.timeLimit(.minutes(3)))
struct HexTests {
    @Test func everyByteEncodesAsTwoLowercaseDigitsAndDecodesBack() {
        let bytes = (0...255).map { UInt8($0) }
        let text = Hex.encode(bytes)
        #expect(text.utf8.count == 512)
        #expect(text.hasPrefix("000102") && text.hasSuffix("fdfeff"))
        #expect(Hex.decode(text.utf8) == bytes)
        #expect(Hex.decode("0AfF".utf8) == [0x0A, 0xFF])
    }

    @Test(arguments: ["0", "0g", "xx", "0 ", "abc"])
    func anOddCountOrANonHexCharacterDecodesToNil(text: String) {
        #expect(Hex.decode(text.utf8) == nil)
    }
}
