import Foundation
import Sandbox
import Testing
@testable import Service

/// The value rules: the bounds both the converter and the schema read, and the
/// integer string pattern against the converter's own reading.
@Suite(.timeLimit(.minutes(3)))
struct ValueRuleTests {
    @Test(arguments: [
        (IntegerRule.i32Argument, "-2147483648", "4294967295"),
        (.i64Argument, "-9223372036854775808", "18446744073709551615"),
        (.i32Result, "-2147483648", "2147483647"),
        (.i64Result, "-9223372036854775808", "9223372036854775807"),
        (.bitPattern(bits: 32), "0", "4294967295"),
        (.bitPattern(bits: 64), "0", "18446744073709551615"),
    ])
    func integerRulesHaveTheValueTablesBounds(rule: IntegerRule, minimum: String, maximum: String) {
        #expect(String(rule.minimum) == minimum)
        #expect(String(rule.maximum) == maximum)
    }

    @Test(arguments: [
        ("-0", 0 as Int128), ("\"-0\"", 0), ("\"-0x0\"", 0), ("4294967295", 4_294_967_295), ("\"0xFFFFFFFF\"", 4_294_967_295),
        ("1e1", 10), ("\"000000000000000000000000000001\"", 1),
    ])
    func aBitPatternIsAnyNonNegativeIntegerOfItsWidth(json: String, expected: Int128) throws {
        #expect(try IntegerRule.bitPattern(bits: 32).read(JSONParser.parse(Array(json.utf8))) == expected)
    }

    @Test(arguments: ["-1", "\"-1\"", "4294967296", "\"0x100000000\"", "1.5"])
    func aBitPatternRefusesEverythingElse(json: String) {
        #expect(throws: ValueCodec.ArgumentFailure.self) {
            try IntegerRule.bitPattern(bits: 32).read(JSONParser.parse(Array(json.utf8)))
        }
    }

    @Test func aResultRuleTakesNoStrings() {
        let error = #expect(throws: ValueCodec.ArgumentFailure.self) { try IntegerRule.i32Result.read(.string("1")) }
        #expect(error?.message == "must be an integer, got string")
    }

    /// Strings around every bound of every integer rule, in decimal and hex, with
    /// signs, leading zeros and junk: the schema's pattern matches exactly the
    /// strings the rule reads. (The Python corpus test checks the same through
    /// the daemon with a real JSON Schema validator.)
    @Test(arguments: [IntegerRule.i32Argument, .i64Argument, .bitPattern(bits: 32), .bitPattern(bits: 64),
                      IntegerRule(minimum: -128, maximum: 127, acceptsStrings: true),
                      IntegerRule(minimum: 0, maximum: 255, acceptsStrings: true)])
    func theIntegerPatternMatchesExactlyTheStringsTheRuleReads(rule: IntegerRule) throws {
        let regex = try NSRegularExpression(pattern: IntegerPattern.pattern(minimum: rule.minimum, maximum: rule.maximum))
        var strings = ["", "-", "0x", "-0x", "+1", " 1", "1 ", "0b1", "1_0", "0x1g", "--1", "0xx1", "١", "１", "1.0", "1e3"]
        let pivots: [Int128] = [0, 1, 9, 10, 15, 16, 99, 100, 255, 256, rule.minimum, rule.maximum, -rule.minimum,
                                Int128(UInt64.max), Int128(Int64.max), 1 << 64, 1 << 32, 1 << 31]
        for pivot in pivots {
            for value in [pivot - 1, pivot, pivot + 1] where value >= 0 {
                for sign in ["", "-"] {
                    strings += [sign + String(value), sign + "0x" + String(value, radix: 16),
                                sign + "0X" + String(value, radix: 16, uppercase: true), sign + "000" + String(value),
                                sign + "0x00" + String(value, radix: 16)]
                }
            }
        }
        for text in strings {
            let matches = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
            let reads = (try? rule.read(.string(text))) != nil
            #expect(matches == reads, "\(text) in [\(rule.minimum), \(rule.maximum)]: pattern \(matches), rule \(reads)")
        }
    }

    @Test func componentTypesHaveTheirSchemaShapes() {
        func text(_ rule: ValueRule) -> String { String(decoding: JSONWriter.encode(ValueSchema.schema(rule)), as: UTF8.self) }
        let point = ValueRule.record([
            .init(name: "x", rule: .float(.f64), mayBeOmitted: false),
            .init(name: "label", rule: .option(.string), mayBeOmitted: true),
        ])
        #expect(text(point).contains(#""required":["x"],"additionalProperties":false"#))
        let shape = ValueRule.variant([.init(name: "circle", payload: .float(.f64)), .init(name: "empty", payload: nil)])
        #expect(text(shape).hasPrefix(#"{"oneOf":[{"type":"object","properties":{"tag":{"const":"circle"},"val":"#))
        #expect(text(shape).contains(#"{"tag":{"const":"empty"}},"required":["tag"],"additionalProperties":false}"#))
        #expect(text(.enumeration(["a", "b"])) == #"{"type":"string","enum":["a","b"]}"#)
        #expect(text(.flags(["r", "w"])) == #"{"type":"array","items":{"type":"string","enum":["r","w"]},"uniqueItems":true}"#)
        #expect(text(.option(.boolean)) == #"{"anyOf":[{"type":"null"},{"type":"boolean"}]}"#)
        #expect(text(.option(.option(.boolean))).contains(#""tag":{"const":"none"}"#))
        #expect(text(.option(.option(.boolean))).contains(#""tag":{"const":"some"},"val":{"anyOf":[{"type":"null"},{"type":"boolean"}]}"#))
        #expect(text(.char) == #"{"type":"string","minLength":1,"maxLength":1,"description":"Exactly one Unicode scalar value."}"#)
        #expect(text(.bytes).contains(#""properties":{"base64":{"type":"string","contentEncoding":"base64"}}"#))
        #expect(text(.result(ok: .string, err: nil)).contains(#"{"tag":{"const":"err"}},"required":["tag"]"#))
        #expect(text(.tuple([])) == #"{"type":"array","items":{},"minItems":0,"maxItems":0}"#)
    }
}
