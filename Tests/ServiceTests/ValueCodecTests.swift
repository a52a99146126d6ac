import Testing
@testable import Sandbox
@testable import Service

/// JSON ⇄ WasmValue by the export's types, as API.md's Values table says.
@Suite(.timeLimit(.minutes(3)))
struct ValueCodecTests {
    static func argument(_ json: String, as type: WasmValueType) throws -> WasmValue {
        try ValueCodec.argument(JSONParser.parse(Array(json.utf8)), as: type)
    }

    static func resultText(_ value: WasmValue) -> String {
        String(decoding: JSONWriter.encode(ValueCodec.result(value)), as: UTF8.self)
    }

    @Test(arguments: [
        ("0", WasmValue.i32(0)), ("-1", .i32(0xFFFF_FFFF)), ("-2147483648", .i32(0x8000_0000)),
        ("2147483647", .i32(0x7FFF_FFFF)), ("4294967295", .i32(0xFFFF_FFFF)), ("2147483648", .i32(0x8000_0000)),
        ("5.0", .i32(5)), ("5e0", .i32(5)), (#""0x10""#, .i32(16)), (#""-7""#, .i32(0xFFFF_FFF9)),
        ("9223372036854775807", .i64(0x7FFF_FFFF_FFFF_FFFF)), ("-9223372036854775808", .i64(1 << 63)),
        ("18446744073709551615", .i64(.max)), (#""-0x1""#, .i64(.max)), ("9007199254740993", .i64(9_007_199_254_740_993)),
    ])
    func integerArgumentsAreExactBitPatterns(json: String, expected: WasmValue) throws {
        #expect(try Self.argument(json, as: expected.type) == expected)
    }

    @Test(arguments: [
        ("4294967296", WasmValueType.i32, "out of range [-2147483648, 4294967295]"),
        ("-2147483649", .i32, "out of range"),
        ("18446744073709551616", .i64, "out of range [-9223372036854775808, 18446744073709551615]"),
        ("1.5", .i32, "is not an integer"),
        (#""1.5""#, .i64, "is not an integer"),
        ("true", .i32, "got boolean"),
        ("null", .i64, "got null"),
        ("[1]", .i32, "got array"),
    ])
    func badIntegerArgumentsSayWhy(json: String, type: WasmValueType, message: String) {
        let error = #expect(throws: ValueCodec.ArgumentFailure.self) { try Self.argument(json, as: type) }
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    }

    @Test(arguments: [
        ("0.1", WasmValueType.f32, WasmValue.f32(0x3DCC_CCCD)),
        ("0.1", .f64, .f64(0x3FB9_9999_9999_999A)),
        ("-0.0", .f32, .f32(0x8000_0000)),
        ("-0", .f64, .f64(0x8000_0000_0000_0000)),
        ("1e39", .f32, .f32(0x7F80_0000)),
        ("1e400", .f64, .f64(0x7FF0_0000_0000_0000)),
        ("3", .f32, .f32(0x4040_0000)),
        (#""nan""#, .f32, .f32(0x7FC0_0000)),
        (#""-nan""#, .f32, .f32(0xFFC0_0000)),
        (#""inf""#, .f32, .f32(0x7F80_0000)),
        (#""-inf""#, .f64, .f64(0xFFF0_0000_0000_0000)),
        (#""nan""#, .f64, .f64(0x7FF8_0000_0000_0000)),
        (#"{"bits": "0x7fc00001"}"#, .f32, .f32(0x7FC0_0001)),
        (#"{"bits": "2143289345"}"#, .f32, .f32(0x7FC0_0001)),
        (#"{"bits": 1}"#, .f64, .f64(1)),
        (#"{"bits": "0xfff0000000000001"}"#, .f64, .f64(0xFFF0_0000_0000_0001)),
    ])
    func floatArgumentsRoundAsIEEEOrTakeExactBits(json: String, type: WasmValueType, expected: WasmValue) throws {
        #expect(try Self.argument(json, as: type) == expected)
    }

    @Test(arguments: [
        (#""NaN""#, WasmValueType.f32), (#""1.5""#, .f64), ("true", .f32), ("[]", .f64),
        (#"{"bits": "0x100000000"}"#, .f32), (#"{"bits": "-1"}"#, .f64), (#"{"bits": 1.5}"#, .f32),
        (#"{"bits": "1", "x": 1}"#, .f64), (#"{"bit": "1"}"#, .f32), (#"{"bits": null}"#, .f64),
    ])
    func badFloatArgumentsAreRefused(json: String, type: WasmValueType) {
        #expect(throws: ValueCodec.ArgumentFailure.self) { try Self.argument(json, as: type) }
    }

    @Test func v128ArgumentsAreTheSixteenBytesInMemoryOrder() throws {
        let value = try Self.argument(#""0x000102030405060708090a0b0c0d0eff""#, as: .v128)
        #expect(value == .v128([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 255]))
        #expect(Self.resultText(value) == #""0x000102030405060708090a0b0c0d0eff""#)
    }

    @Test(arguments: [#""0x00""#, #""000102030405060708090a0b0c0d0e0f""#, #""0x000102030405060708090a0b0c0d0e0g""#,
                      #""0x000102030405060708090a0b0c0d0e0f00""#, "1", #""0X""#])
    func badV128ArgumentsAreRefused(json: String) {
        #expect(throws: ValueCodec.ArgumentFailure.self) { try Self.argument(json, as: .v128) }
    }

    /// Only hex digits may follow `0x`; a sign inside a byte pair is not one.
    @Test(
          arguments: [#""0x+f0102030405060708090a0b0c0d0e0f""#, #""0x-00102030405060708090a0b0c0d0e0f""#])
    func v128DigitsMayNotCarryASign(json: String) {
        #expect(throws: ValueCodec.ArgumentFailure.self) { try Self.argument(json, as: .v128) }
    }

    @Test func referenceArgumentsMustBeNull() throws {
        #expect(try Self.argument("null", as: .funcref) == .ref(.funcref, nil))
        #expect(try Self.argument("null", as: .externref) == .ref(.externref, nil))
        #expect(throws: ValueCodec.ArgumentFailure.self) { try Self.argument("0", as: .externref) }
    }

    @Test(arguments: [
        (WasmValue.i32(0xFFFF_FFFF), "-1"), (.i32(0x8000_0000), "-2147483648"), (.i64(.max), "-1"),
        (.i64(0x7FFF_FFFF_FFFF_FFFF), "9223372036854775807"),
        (.f32(0x3DCC_CCCD), "0.1"), (.f64(0x3FB9_9999_9999_999A), "0.1"),
        (.f32(0x8000_0000), "-0.0"), (.f64(0x8000_0000_0000_0000), "-0.0"),
        (.f32(0x7F80_0000), #""inf""#), (.f64(0xFFF0_0000_0000_0000), #""-inf""#),
        (.f32(0x7FC0_0000), #""nan""#), (.f32(0xFFC0_0000), #""-nan""#),
        (.f64(0x7FF8_0000_0000_0000), #""nan""#), (.f64(0xFFF8_0000_0000_0000), #""-nan""#),
        (.f32(0x7FC0_0001), #"{"bits":"0x7fc00001"}"#), (.f32(0x7FA0_0000), #"{"bits":"0x7fa00000"}"#),
        (.f64(0x7FF0_0000_0000_0001), #"{"bits":"0x7ff0000000000001"}"#),
        (.f32(0x0000_0001), "1e-45"), (.f32(0x4B80_0000), "16777216.0"),
        (.ref(.funcref, nil), "null"), (.ref(.externref, 3), #""externref:3""#),
    ])
    func resultsAreWrittenByTheirType(value: WasmValue, expected: String) {
        #expect(Self.resultText(value) == expected)
    }

    @Test(arguments: [0x3DCC_CCCD, 0x8000_0000, 0x0000_0001, 0x7F7F_FFFF, 0x4049_0FDB, 0x7FC0_0000, 0xFFC0_0000,
                      0x7F80_0000, 0x7FC0_1234] as [UInt32])
    func everyF32ResultReadsBackAsTheSameBits(bits: UInt32) throws {
        let json = ValueCodec.result(.f32(bits))
        #expect(try ValueCodec.argument(json, as: .f32) == .f32(bits))
    }

    @Test(arguments: [0x3FB9_9999_9999_999A, 0x8000_0000_0000_0000, 1, 0x7FEF_FFFF_FFFF_FFFF, 0x4009_21FB_5444_2D18,
                      0x7FF8_0000_0000_0000, 0x7FF4_0000_0000_0000] as [UInt64])
    func everyF64ResultReadsBackAsTheSameBits(bits: UInt64) throws {
        let json = ValueCodec.result(.f64(bits))
        #expect(try ValueCodec.argument(json, as: .f64) == .f64(bits))
    }

    /// The call target of a module that exports one function.
    private static func target(_ name: String, _ signature: FunctionSignature) throws -> CallTarget {
        try CallTarget(export: name, in: ModuleDescription(exports: [.init(name: name, entity: .function(signature))], imports: []))
    }

    @Test func argumentsAreCountedAndNamedBySignature() throws {
        let add = try Self.target("add", FunctionSignature(params: [.i32, .i32], results: [.i32]))
        let error = #expect(throws: APIError.self) { try ValueCodec.call([.number("1")], for: add) }
        #expect(error?.code == .badArgs)
        #expect(error?.detail == "add(i32, i32) -> i32 takes 2 arguments, got 1")
        let one = try Self.target("f", FunctionSignature(params: [.i64], results: []))
        let single = #expect(throws: APIError.self) { try ValueCodec.call([], for: one) }
        #expect(single?.detail == "f(i64) -> () takes 1 argument, got 0")
        #expect(try ValueCodec.call([.number("1"), .string("0x2")], for: add).arguments == [.i32(1), .i32(2)])
    }

    @Test func aBadArgumentNamesItsPositionTypeAndTheSignature() throws {
        let mix = try Self.target("mix", FunctionSignature(params: [.i32, .f64], results: [.f64, .i32]))
        let error = #expect(throws: APIError.self) {
            try ValueCodec.call([.number("1"), .string("x")], for: mix)
        }
        #expect(error?.code == .badArgs)
        #expect(error?.detail.hasPrefix("mix(i32, f64) -> (f64, i32): argument 2 (f64) ") == true, "\(error?.detail ?? "")")
    }
}
