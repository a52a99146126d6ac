import Testing
@testable import Service

/// The strict request-body parser: what it accepts and every way it refuses.
@Suite(.timeLimit(.minutes(3)))
struct JSONParserTests {
    static func parse(_ text: String) throws(JSONParser.Failure) -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    @Test func parsesEveryKindOfValue() throws {
        let value = try Self.parse(#" { "a" : [1, -2.5e3, true, false, null], "b": {"c": "d"}, "e": [] , "f": {} } "#)
        #expect(value == .object([
            ("a", .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null])),
            ("b", .object([("c", .string("d"))])),
            ("e", .array([])),
            ("f", .object([])),
        ]))
    }

    @Test func keepsMemberOrder() throws {
        let value = try Self.parse(#"{"z":1,"a":2,"y":3}"#)
        #expect(value == .object([("z", .number("1")), ("a", .number("2")), ("y", .number("3"))]))
    }

    @Test(arguments: [#"{"z":1,"a":2,"z":3}"#, #"{"o":{"k":1,"k":1}}"#, #"[{"a":1},{"b":1,"b":2}]"#])
    func refusesAnObjectWithAMemberTwice(text: String) {
        let failure = #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(text.utf8)) }
        #expect(failure?.message.contains("twice") == true)
    }

    @Test(arguments: ["0", "-0", "1", "-1", "123", "1.5", "0.001", "1e5", "1E5", "1e+5", "1e-5", "-0.0e0",
                      "18446744073709551616", "1.7976931348623157e309"])
    func keepsNumbersAsTheirExactText(text: String) throws {
        #expect(try Self.parse(text) == .number(text))
    }

    @Test(arguments: [
        (#""plain""#, "plain"),
        (#""\" \\ \/ \b \f \n \r \t""#, "\" \\ / \u{08} \u{0C} \n \r \t"),
        (#""\u0041\u00e9\u4e2d""#, "Aé中"),
        (#""\ud83d\ude00""#, "😀"),
        (#""\u0000""#, "\u{0}"),
        ("\"é中😀\"", "é中😀"),
    ])
    func decodesStringsAndEscapes(json: String, expected: String) throws {
        #expect(try Self.parse(json) == .string(expected))
    }

    @Test(arguments: [
        ("", "unexpected end"),
        ("   ", "unexpected end"),
        ("{", "expected a member name"),
        ("[1,", "unexpected end"),
        ("[1 2]", "expected ','"),
        (#"{"a" 1}"#, "expected ':'"),
        (#"{"a":1,}"#, "expected a member name"),
        ("[1,]", "unexpected character"),
        ("{a:1}", "expected a member name"),
        ("'x'", "unexpected character"),
        ("tru", "unexpected end"),
        ("nul", "unexpected end"),
        ("trux", "invalid literal"),
        ("NaN", "unexpected character"),
        ("01", "unexpected data after"),
        ("1.", "invalid number"),
        (".5", "unexpected character"),
        ("-", "invalid number"),
        ("-a", "invalid number"),
        ("+1", "unexpected character"),
        ("1e", "invalid number"),
        ("1e+", "invalid number"),
        ("1.e5", "invalid number"),
        ("0x10", "unexpected data after"),
        ("{} {}", "unexpected data after"),
        ("1 2", "unexpected data after"),
        (#""abc"#, "unterminated string"),
        (#""\x""#, "invalid escape"),
        (#""\u12""#, #"invalid \u escape"#),
        (#""\u12g4""#, #"invalid \u escape"#),
        (#""\ud800""#, "lone surrogate"),
        (#""\ud800x""#, "lone surrogate"),
        (#""\ud800\u0041""#, "lone surrogate"),
        (#""\udc00""#, "lone surrogate"),
        ("\"a\u{01}b\"", "control character"),
        ("\"tab\there\"", "control character"),
        ("\"new\nline\"", "control character"),
    ])
    func refusesMalformedText(text: String, reason: String) {
        let error = #expect(throws: JSONParser.Failure.self) { try Self.parse(text) }
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "no error")")
        #expect(error?.message.contains("at byte") == true)
    }

    @Test(arguments: [
        [0x22, 0xFF, 0x22],
        [0x22, 0xC3, 0x22],
        [0x22, 0xED, 0xA0, 0x80, 0x22],
        [0x22, 0xC0, 0xAF, 0x22],
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],
        [0x7B, 0x22, 0x61, 0xFE, 0x22, 0x3A, 0x31, 0x7D],
    ] as [[UInt8]])
    func refusesInvalidUTF8InStringsAndNames(bytes: [UInt8]) {
        let error = #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(bytes) }
        #expect(error?.message.contains("invalid UTF-8") == true)
    }

    @Test func refusesInvalidUTF8OutsideStrings() {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x5B, 0xFF, 0x5D]) }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0xEF, 0xBB, 0xBF, 0x31]) }
    }

    @Test(arguments: [("[", "]"), ("{\"k\":", "}")])
    func acceptsNesting64DeepAndRefuses65(open: String, close: String) throws {
        let ok = String(repeating: open, count: 64) + "0" + String(repeating: close, count: 64)
        #expect(throws: Never.self) { try Self.parse(ok) }
        let deep = String(repeating: open, count: 65) + "0" + String(repeating: close, count: 65)
        let error = #expect(throws: JSONParser.Failure.self) { try Self.parse(deep) }
        #expect(error?.message.contains("nesting deeper than 64") == true)
    }

    @Test func hostileNestingFailsWithoutExhaustingTheStack() {
        let bytes = [UInt8](repeating: UInt8(ascii: "["), count: 1_000_000)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(bytes) }
    }

    @Test func mixedNestingCountsBothArraysAndObjects() throws {
        let ok = String(repeating: "[{\"a\":", count: 32) + "1" + String(repeating: "}]", count: 32)
        #expect(throws: Never.self) { try Self.parse(ok) }
        let deep = "[" + ok + "]"
        #expect(throws: JSONParser.Failure.self) { try Self.parse(deep) }
    }

    @Test func theFailureOffsetPointsAtTheProblem() {
        let error = #expect(throws: JSONParser.Failure.self) { try Self.parse("[1, 2, x]") }
        #expect(error?.offset == 7)
    }

    @Test(arguments: [(JSONValue.null, "null"), (.bool(true), "boolean"), (.number("1"), "number"),
                      (.string(""), "string"), (.array([]), "array"), (.object([]), "object")])
    func typeNamesAreTheJSONNames(value: JSONValue, name: String) {
        #expect(value.typeName == name)
    }
}
