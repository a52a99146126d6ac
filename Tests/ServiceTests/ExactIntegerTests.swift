import Testing
@testable import Service

/// Exact integer reading of JSON numbers and strings, and the fit into 32/64-bit patterns.
@Suite(.timeLimit(.minutes(3)))
struct ExactIntegerTests {
    @Test(arguments: [
        ("0", false, 0 as UInt64),
        ("-0", true, 0),
        ("5", false, 5),
        ("-5", true, 5),
        ("5.0", false, 5),
        ("5e0", false, 5),
        ("5E0", false, 5),
        ("1.5e1", false, 15),
        ("0.5e1", false, 5),
        ("150e-1", false, 15),
        ("1e+3", false, 1000),
        ("0.000", false, 0),
        ("0e999999999999", false, 0),
        ("2147483648", false, 2_147_483_648),
        ("-2147483648", true, 2_147_483_648),
        ("4294967295", false, 4_294_967_295),
        ("18446744073709551615", false, .max),
        ("1.8446744073709551615e19", false, .max),
        ("100000000000000000000e-1", false, 10_000_000_000_000_000_000),
        ("1e19", false, 10_000_000_000_000_000_000),
    ])
    func readsJSONNumbersExactly(text: String, negative: Bool, magnitude: UInt64) throws {
        let parts = try ExactInteger.fromJSONNumber(text)
        #expect(parts.negative == negative)
        #expect(parts.magnitude == magnitude)
    }

    @Test(arguments: ["1.5", "0.1", "-2.25", "1e-1", "123.450e1", "5e-400"])
    func aFractionIsNotAnInteger(text: String) {
        #expect(throws: ExactInteger.Failure.notAnInteger) { try ExactInteger.fromJSONNumber(text) }
    }

    @Test(arguments: ["1e20", "18446744073709551616", "-18446744073709551616", "1e999999999999", "99999999999999999999"])
    func aMagnitudeFrom2To64IsOutOfRange(text: String) {
        #expect(throws: ExactInteger.Failure.outOfRange) { try ExactInteger.fromJSONNumber(text) }
    }

    /// An exponent written with leading zeros means the same as without them.
    @Test(
          arguments: [("1e0000000001", 10 as UInt64), ("1e00000000002", 100)])
    func exponentsWithManyLeadingZerosKeepTheirValue(text: String, magnitude: UInt64) throws {
        #expect(try ExactInteger.fromJSONNumber(text).magnitude == magnitude)
    }

    @Test
    func aFractionWrittenWithALongNegativeExponentIsNotAnInteger() {
        #expect(throws: ExactInteger.Failure.notAnInteger) { try ExactInteger.fromJSONNumber("5e-0000000001") }
    }

    @Test(arguments: [
        ("0", false, 0 as UInt64),
        ("42", false, 42),
        ("-42", true, 42),
        ("0x10", false, 16),
        ("0X1f", false, 31),
        ("-0x80000000", true, 0x8000_0000),
        ("0xffffffffffffffff", false, .max),
        ("18446744073709551615", false, .max),
        ("007", false, 7),
    ])
    func readsDecimalAndHexStrings(text: String, negative: Bool, magnitude: UInt64) throws {
        let parts = try ExactInteger.fromString(text)
        #expect(parts.negative == negative)
        #expect(parts.magnitude == magnitude)
    }

    @Test(arguments: ["", "-", "0x", "-0x", "+5", "1.5", "1e3", "12a", "0xg", " 1", "1 ", "--1", "٣", "0x-1"])
    func refusesStringsThatAreNotIntegers(text: String) {
        #expect(throws: ExactInteger.Failure.notAnInteger) { try ExactInteger.fromString(text) }
    }

    @Test(arguments: ["18446744073709551616", "0x10000000000000000"])
    func refusesStringsPast64Bits(text: String) {
        #expect(throws: ExactInteger.Failure.outOfRange) { try ExactInteger.fromString(text) }
    }
}
