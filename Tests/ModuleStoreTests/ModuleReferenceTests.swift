import Testing
@testable import ModuleStore

/// The id and name rules of API.md: `[a-z0-9][a-z0-9._-]{0,63}`, never 64 hex digits.
@Suite(.timeLimit(.minutes(3)))
struct ModuleReferenceTests {
    static let anID = String(repeating: "0123456789abcdef", count: 4)

    @Test(arguments: [
        (anID, true),
        (String(repeating: "f", count: 64), true),
        (String(repeating: "a", count: 63), false),
        (String(repeating: "a", count: 65), false),
        (anID.uppercased(), false),
        (String(anID.dropLast()) + "g", false),
        ("", false),
    ])
    func isIDAcceptsExactly64LowercaseHexDigits(text: String, expected: Bool) {
        #expect(ModuleReference.isID(text) == expected)
    }

    @Test(arguments: [
        ("a", true),
        ("0", true),
        ("calc", true),
        ("my-module_v1.2", true),
        ("9lives", true),
        (String(repeating: "z", count: 64), true),
        (String(repeating: "z", count: 65), false),
        // 64 hex digits read as an id, so they are never a name.
        (String(repeating: "a", count: 64), false),
        (String(repeating: "a", count: 63), true),
        (String(repeating: "0", count: 64), false),
        (anID, false),
        (String(repeating: "a", count: 63) + "g", true),
        ("", false),
        ("-a", false),
        (".a", false),
        ("_a", false),
        ("Calc", false),
        ("a b", false),
        ("a/b", false),
        ("a%2f", false),
        ("ä", false),
        ("a\u{0}", false),
        ("..", false),
    ])
    func isValidNameFollowsTheGrammar(text: String, expected: Bool) {
        #expect(ModuleReference.isValidName(text) == expected)
    }
}
