/// Exact integer reading of argument text, never through a `Double`.
enum ExactInteger {
    enum Failure: Error { case notAnInteger, outOfRange }

    /// Reads a JSON number's text ("5", "-5", "5.0", "5e0", "1.5e1") as an exact
    /// integer: sign and magnitude. Fractions fail; magnitudes ≥ 2^64 are out of range.
    static func fromJSONNumber(_ text: String) throws(Failure) -> (negative: Bool, magnitude: UInt64) {
        var utf8 = Substring(text).utf8[...]
        let negative = utf8.first == UInt8(ascii: "-")
        if negative { utf8 = utf8.dropFirst() }
        var digits: [UInt8] = []
        var exponent = 0
        var seenPoint = false
        var index = utf8.startIndex
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: ".") {
                seenPoint = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                exponent += Self.exponent(String(decoding: utf8[utf8.index(after: index)...], as: UTF8.self))
                break
            } else {
                digits.append(byte - 0x30)
                if seenPoint { exponent -= 1 }
            }
            index = utf8.index(after: index)
        }
        // Drop leading zeros; trailing zeros move into the exponent. Linear in the
        // text's length (a hostile number may have millions of digits).
        guard let first = digits.firstIndex(where: { $0 != 0 }), let last = digits.lastIndex(where: { $0 != 0 }) else {
            return (negative, 0)
        }
        exponent += digits.count - 1 - last
        let significant = digits[first...last]
        guard exponent >= 0 else { throw .notAnInteger }
        guard significant.count + exponent <= 20 else { throw .outOfRange }
        var magnitude: UInt64 = 0
        for digit in Array(significant) + [UInt8](repeating: 0, count: exponent) {
            let (times, overflowA) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = times.addingReportingOverflow(UInt64(digit))
            guard !overflowA, !overflowB else { throw .outOfRange }
            magnitude = sum
        }
        return (negative, magnitude)
    }

    /// The exponent of a JSON number ("+12", "-0000000001"), clamped to ±10^9:
    /// past that the value is zero or out of range either way.
    private static func exponent(_ text: String) -> Int {
        var digits = Substring(text)
        let negative = digits.hasPrefix("-")
        if negative || digits.hasPrefix("+") { digits = digits.dropFirst() }
        digits = digits.drop { $0 == "0" }
        let magnitude = digits.count > 9 ? 1_000_000_000 : (Int(digits) ?? 0)
        return negative ? -magnitude : magnitude
    }

    /// Reads a string argument: decimal with an optional `-`, or `0x` hex with an optional `-`.
    static func fromString(_ text: String) throws(Failure) -> (negative: Bool, magnitude: UInt64) {
        var body = Substring(text)
        let negative = body.hasPrefix("-")
        if negative { body = body.dropFirst() }
        let radix: Int
        if body.hasPrefix("0x") || body.hasPrefix("0X") {
            body = body.dropFirst(2)
            radix = 16
        } else {
            radix = 10
        }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isHexDigit && (radix == 16 || $0.isNumber) }) else {
            throw .notAnInteger
        }
        guard let magnitude = UInt64(body, radix: radix) else { throw .outOfRange }
        return (negative, magnitude)
    }
}
