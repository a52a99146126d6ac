/// Regular expressions (ECMA-262, as JSON Schema's `pattern` uses) for the integer
/// strings an ``IntegerRule`` accepts: decimal or `0x`/`0X` hex, an optional `-`,
/// any number of leading zeros, and a magnitude inside the rule's range.
///
/// The bounds are spelled digit by digit: "at most N" is "fewer digits than N", or
/// "N's first i digits, then a smaller digit, then any digits", or N itself.
enum IntegerPattern {
    /// The anchored pattern for [`minimum`, `maximum`]; needs `minimum` ≤ 0 ≤ `maximum`.
    static func pattern(minimum: Int128, maximum: Int128) -> String {
        "^(?:" + unsigned(atMost: UInt128(max(0, maximum))) + "|-" + unsigned(atMost: UInt128(max(0, -minimum))) + ")$"
    }

    /// A decimal or hex magnitude of at most `bound`.
    private static func unsigned(atMost bound: UInt128) -> String {
        "(?:0[xX]" + atMost(bound, radix: 16) + "|" + atMost(bound, radix: 10) + ")"
    }

    /// One or more digits in `radix` whose value is at most `bound`.
    static func atMost(_ bound: UInt128, radix: Int) -> String {
        let digits = String(bound, radix: radix).map { Int(String($0), radix: radix) ?? 0 }
        let anyDigit = digitClass(below: radix, radix: radix)
        var alternatives: [String] = []
        if digits.count > 1 { alternatives.append(anyDigit + "{1,\(digits.count - 1)}") }
        for (index, digit) in digits.enumerated() where digit > 0 {
            let rest = digits.count - index - 1
            alternatives.append(
                digits[..<index].map { literal($0) }.joined() + digitClass(below: digit, radix: radix)
                    + (rest > 0 ? anyDigit + "{\(rest)}" : ""))
        }
        alternatives.append(digits.map { literal($0) }.joined())
        return "0*(?:" + alternatives.joined(separator: "|") + ")"
    }

    /// A character class of the digits 0 ..< `limit` (hex letters in both cases).
    private static func digitClass(below limit: Int, radix: Int) -> String {
        let decimal = min(limit, 10)
        var members = decimal == 1 ? "0" : "0-\(decimal - 1)"
        if limit > 10 {
            let last = Character(UnicodeScalar(UInt8(ascii: "a") + UInt8(limit - 11)))
            let span = limit == 11 ? "a" : "a-\(last)"
            members += span + span.uppercased()
        }
        return "[" + members + "]"
    }

    /// One digit; a hex letter in either case.
    private static func literal(_ digit: Int) -> String {
        guard digit >= 10 else { return String(digit) }
        let letter = String(digit, radix: 16)
        return "[" + letter + letter.uppercased() + "]"
    }
}
