import Sandbox

/// WAVE, the WebAssembly Value Encoding `wasmtime run --invoke` reads
/// (`greet("world")`, `area(rect({width: 2.0, height: 3.5}))`), turned into the
/// JSON arguments of API.md's component table by the function's WIT types;
/// ``WITCodec`` then checks and converts them exactly as for HTTP.
enum WAVE {
    /// Why WAVE text was refused, at a character offset.
    struct Failure: Error {
        let message: String
    }

    /// `name(arg, …)` split into the function name and its JSON arguments for `function`.
    static func call(_ text: String, in description: ComponentDescription) throws(Failure) -> (export: String, args: [JSONValue]) {
        guard let open = text.firstIndex(of: "("), text.hasSuffix(")") else {
            throw Failure(message: "expected NAME(ARGS…), as wasmtime run --invoke takes, got '\(text.prefix(80))'")
        }
        let name = String(text[..<open]).trimmingCharacters(in: .whitespaces)
        guard let function = description.function(named: name) else {
            throw Failure(message: "no function '\(name)'; functions: \(description.functionNames.joined(separator: ", "))")
        }
        var parser = Parser(text: String(text[text.index(after: open)..<text.index(before: text.endIndex)]))
        var args: [JSONValue] = []
        for (index, param) in function.params.enumerated() {
            if index > 0 { try parser.expect(",") }
            args.append(try parser.value(param.type))
        }
        parser.skipSpace()
        if parser.peek == ",", function.params.count > 0 { parser.index += 1 }
        parser.skipSpace()
        guard parser.atEnd else { throw parser.failure("\(description.signature(of: function)) takes \(function.params.count) arguments") }
        return (name, args)
    }

    /// A recursive-descent reader of one WAVE value of a known type.
    struct Parser {
        let scalars: [Unicode.Scalar]
        var index = 0

        init(text: String) { scalars = Array(text.unicodeScalars) }

        var atEnd: Bool { index >= scalars.count }
        var peek: Unicode.Scalar? { atEnd ? nil : scalars[index] }

        func failure(_ message: String) -> Failure { Failure(message: "\(message) at offset \(index)") }

        mutating func skipSpace() { while let scalar = peek, scalar.properties.isWhitespace { index += 1 } }

        mutating func expect(_ character: Unicode.Scalar) throws(Failure) {
            skipSpace()
            guard peek == character else { throw failure("expected '\(character)'") }
            index += 1
        }

        /// A label or keyword: letters, digits and `-`.
        mutating func word() -> String {
            skipSpace()
            var text = ""
            while let scalar = peek, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "%" {
                if scalar != "%" { text.unicodeScalars.append(scalar) }
                index += 1
            }
            return text
        }

        /// `open` item (, item)* [,] `close`, reading items with `item`.
        mutating func sequence(_ open: Unicode.Scalar, _ close: Unicode.Scalar, _ item: (inout Parser) throws(Failure) -> Void) throws(Failure) {
            try expect(open)
            skipSpace()
            while peek != close {
                try item(&self)
                skipSpace()
                if peek == "," { index += 1; skipSpace() } else { break }
            }
            try expect(close)
        }

        mutating func value(_ type: WITType) throws(Failure) -> JSONValue {
            skipSpace()
            switch type {
            case .bool:
                switch word() {
                case "true": return .bool(true)
                case "false": return .bool(false)
                default: throw failure("expected true or false")
                }
            case .s8, .s16, .s32, .s64, .u8, .u16, .u32, .u64: return .number(try number(allowSpecials: false))
            case .f32, .f64:
                let text = try number(allowSpecials: true)
                return ["nan", "inf", "-inf"].contains(text) ? .string(text) : .number(text)
            case .char: return .string(try quoted("'"))
            case .string: return .string(try quoted("\""))
            case .list(let element):
                var items: [JSONValue] = []
                try sequence("[", "]") { (parser: inout Parser) throws(Failure) in items.append(try parser.value(element)) }
                return .array(items)
            case .tuple(let types):
                var items: [JSONValue] = []
                try sequence("(", ")") { (parser: inout Parser) throws(Failure) in
                    guard items.count < types.count else { throw parser.failure("too many tuple elements") }
                    items.append(try parser.value(types[items.count]))
                }
                return .array(items)
            case .record(let fields):
                var members: [(String, JSONValue)] = []
                try sequence("{", "}") { (parser: inout Parser) throws(Failure) in
                    let name = parser.word()
                    guard let field = fields.first(where: { $0.name == name }) else { throw parser.failure("unknown field '\(name)'") }
                    try parser.expect(":")
                    members.append((name, try parser.value(field.type)))
                }
                return .object(members)
            case .flags:
                var names: [JSONValue] = []
                try sequence("{", "}") { (parser: inout Parser) throws(Failure) in names.append(.string(parser.word())) }
                return .array(names)
            case .enumeration: return .string(word())
            case .variant(let cases):
                let name = word()
                guard let match = cases.first(where: { $0.name == name }) else { throw failure("unknown case '\(name)'") }
                return tagged(name, try payload(match.payload))
            case .option(let inner):
                let start = index
                switch word() {
                case "none":
                    if case .option = inner { return .object([("tag", .string("none"))]) }
                    return .null
                case "some":
                    let value = try payload(inner) ?? .null
                    if case .option = inner { return tagged("some", value) }
                    return value
                default:
                    index = start
                    return try self.value(inner)
                }
            case .result(let ok, let err):
                let name = word()
                guard name == "ok" || name == "err" else { throw failure("expected ok or err") }
                return tagged(name, try payload(name == "ok" ? ok : err))
            case .handle, .unsupported:
                throw failure("\(WITText.structure(type, naming: nil)) values cannot be written")
            }
        }

        /// `(value)` after a case name, when the case has a payload type.
        private mutating func payload(_ type: WITType?) throws(Failure) -> JSONValue? {
            guard let type else { return nil }
            try expect("(")
            let value = try self.value(type)
            try expect(")")
            return value
        }

        private func tagged(_ tag: String, _ value: JSONValue?) -> JSONValue {
            .object([("tag", .string(tag))] + (value.map { [("val", $0)] } ?? []))
        }

        /// Number text as written (checked later by the value rules); `nan`, `inf`, `-inf` for floats.
        private mutating func number(allowSpecials: Bool) throws(Failure) -> String {
            var text = ""
            while let scalar = peek, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "+-.".unicodeScalars.contains(scalar) {
                text.unicodeScalars.append(scalar)
                index += 1
            }
            if allowSpecials && ["nan", "inf", "-inf"].contains(text) { return text }
            guard !text.isEmpty, (try? JSONParser.parse(Array(text.utf8))).map({ if case .number = $0 { true } else { false } }) == true
            else { throw failure("'\(text)' is not a number") }
            return text
        }

        /// A `"string"` or `'c'` with WAVE's escapes (`\n \t \r \\ \' \" \u{…}`).
        private mutating func quoted(_ quote: Unicode.Scalar) throws(Failure) -> String {
            try expect(quote)
            var text = ""
            while let scalar = peek, scalar != quote {
                index += 1
                guard scalar == "\\" else {
                    text.unicodeScalars.append(scalar)
                    continue
                }
                guard let escape = peek else { break }
                index += 1
                switch escape {
                case "n": text += "\n"
                case "t": text += "\t"
                case "r": text += "\r"
                case "\\", "'", "\"": text.unicodeScalars.append(escape)
                case "u":
                    try expect("{")
                    var hex = ""
                    while let digit = peek, digit != "}" { hex.unicodeScalars.append(digit); index += 1 }
                    try expect("}")
                    guard let value = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(value) else {
                        throw failure("bad escape \\u{\(hex)}")
                    }
                    text.unicodeScalars.append(decoded)
                default: throw failure("unknown escape \\\(escape)")
                }
            }
            try expect(quote)
            return text
        }
    }
}
