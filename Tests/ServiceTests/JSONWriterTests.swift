import Testing
@testable import Service

/// Compact JSON output, and that whatever it writes reads back through the strict parser.
@Suite(.timeLimit(.minutes(3)))
struct JSONWriterTests {
    static func text(_ value: JSONValue) -> String { String(decoding: JSONWriter.encode(value), as: UTF8.self) }

    @Test func writesCompactJSONInMemberOrder() {
        let value = JSONValue.object([
            ("z", .number("1")), ("a", .array([.null, .bool(true), .bool(false), .string("x")])), ("e", .object([])),
        ])
        #expect(Self.text(value) == #"{"z":1,"a":[null,true,false,"x"],"e":{}}"#)
    }

    @Test(arguments: [
        ("quote\"", #""quote\"""#),
        ("back\\slash", #""back\\slash""#),
        ("line\nfeed", #""line\nfeed""#),
        ("carriage\rreturn", #""carriage\rreturn""#),
        ("tab\t", #""tab\t""#),
        ("\u{0}", #""\u0000""#),
        ("\u{1f}", #""\u001f""#),
        ("\u{08}\u{0C}", #""\u0008\u000c""#),
        ("slash/", #""slash/""#),
        ("é中😀\u{7F}", "\"é中😀\u{7F}\""),
    ])
    func escapesWhatJSONRequires(input: String, expected: String) {
        #expect(Self.text(.string(input)) == expected)
    }

    @Test func escapesMemberNamesToo() {
        #expect(Self.text(.object([("a\"b\n", .null)])) == #"{"a\"b\n":null}"#)
    }

    @Test func everyControlCharacterAndEveryEscapeRoundTrips() throws {
        var text = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }.joined()
        text += "\"\\/ plain é \u{2028}\u{2029} 😀 \u{FFFD}"
        let value = JSONValue.object([(text, .array([.string(text), .number("-1.5e-7")]))])
        #expect(try JSONParser.parse(JSONWriter.encode(value)) == value)
    }

    @Test func aDeeplyNestedDocumentRoundTrips() throws {
        var value = JSONValue.string("leaf")
        for depth in 0..<64 { value = depth.isMultiple(of: 2) ? .array([value]) : .object([("k", value)]) }
        #expect(try JSONParser.parse(JSONWriter.encode(value)) == value)
    }

    @Test func aWriterAppendsSuccessiveValues() {
        var writer = JSONWriter(capacity: 8)
        writer.write(.number("1"))
        writer.write(.string("a"))
        #expect(writer.bytes == Array(#"1"a""#.utf8))
    }
}
