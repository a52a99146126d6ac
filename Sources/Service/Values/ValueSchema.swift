/// Writes the JSON Schema (2020-12, as OpenAPI 3.1 uses) of a ``ValueRule``: exactly
/// the JSON values the rule's reader accepts.
enum ValueSchema {
    /// The schema of `rule`.
    static func schema(_ rule: ValueRule) -> JSONValue {
        switch rule {
        case .integer(let rule): integer(rule)
        case .float(let rule): float(rule)
        case .hexBytes(let rule):
            object([
                ("type", .string("string")), ("pattern", .string("^0[xX][0-9a-fA-F]{\(rule.count * 2)}$")),
                ("description", .string("`0x` and \(rule.count * 2) hex digits: the \(rule.count) bytes in memory order.")),
            ])
        case .null: object([("type", .string("null"))])
        case .opaqueReference:
            object([
                ("type", .array([.string("string"), .string("null")])),
                ("description", .string("`null`, or an opaque string for a non-null reference.")),
            ])
        case .boolean: object([("type", .string("boolean"))])
        case .string: object([("type", .string("string"))])
        case .char:
            object([
                ("type", .string("string")), ("minLength", count(1)), ("maxLength", count(1)),
                ("description", .string("Exactly one Unicode scalar value.")),
            ])
        case .list(let element): object([("type", .string("array")), ("items", schema(element))])
        case .bytes:
            anyOf([
                object([("type", .string("array")), ("items", schema(ValueRule.byte))]),
                object([
                    ("type", .string("object")),
                    ("properties", object([("base64", object([("type", .string("string")), ("contentEncoding", .string("base64"))]))])),
                    ("required", .array([.string("base64")])), ("additionalProperties", .bool(false)),
                ]),
            ])
        case .tuple(let elements): tuple(elements.map(schema))
        case .record(let fields):
            object([
                ("type", .string("object")),
                ("properties", object(fields.map { ($0.name, schema($0.rule)) })),
                ("required", .array(fields.filter { !$0.mayBeOmitted }.map { .string($0.name) })),
                ("additionalProperties", .bool(false)),
            ])
        case .variant(let cases): tagged(cases.map { ($0.name, $0.payload) })
        case .enumeration(let names): object([("type", .string("string")), ("enum", .array(names.map { .string($0) }))])
        case .flags(let names):
            object([
                ("type", .string("array")),
                ("items", object([("type", .string("string")), ("enum", .array(names.map { .string($0) }))])),
                ("uniqueItems", .bool(true)),
            ])
        case .option(let inner):
            if case .option = inner {
                tagged([("none", nil), ("some", inner)])
            } else {
                anyOf([object([("type", .string("null"))]), schema(inner)])
            }
        case .result(let ok, let err): tagged([("ok", ok), ("err", err)])
        }
    }

    /// An array of exactly these elements, in order. `prefixItems` needs at least
    /// one; an empty tuple says `items: {}` (any, and `maxItems` allows none), as
    /// client generators refuse an array schema with neither.
    static func tuple(_ elements: [JSONValue]) -> JSONValue {
        var members: [(String, JSONValue)] = [("type", .string("array"))]
        members.append(elements.isEmpty ? ("items", .object([])) : ("prefixItems", .array(elements)))
        members += [("minItems", count(elements.count)), ("maxItems", count(elements.count))]
        return .object(members)
    }

    private static func integer(_ rule: IntegerRule) -> JSONValue {
        let number = object([
            ("type", .string("integer")), ("minimum", .number(String(rule.minimum))),
            ("maximum", .number(String(rule.maximum))),
        ])
        guard rule.acceptsStrings else { return number }
        return anyOf([
            number,
            object([
                ("type", .string("string")),
                ("pattern", .string(IntegerPattern.pattern(minimum: rule.minimum, maximum: rule.maximum))),
                ("description", .string("Decimal, or `0x` hex, with an optional `-`, in the same range.")),
            ]),
        ])
    }

    private static func float(_ rule: FloatRule) -> JSONValue {
        anyOf([
            object([("type", .string("number"))]),
            object([("type", .string("string")), ("enum", .array(rule.specials.map { .string($0.name) }))]),
            object([
                ("type", .string("object")),
                ("properties", object([("bits", integer(rule.bits))])),
                ("required", .array([.string("bits")])), ("additionalProperties", .bool(false)),
                ("description", .string("An exact \(rule.width)-bit IEEE 754 bit pattern.")),
            ]),
        ])
    }

    /// `{"tag": name, "val": payload}` for each case, `val` absent where there is no payload.
    private static func tagged(_ cases: [(name: String, payload: ValueRule?)]) -> JSONValue {
        .object([("oneOf", .array(cases.map { tag in
            var properties: [(String, JSONValue)] = [("tag", object([("const", .string(tag.name))]))]
            var required: [JSONValue] = [.string("tag")]
            if let payload = tag.payload {
                properties.append(("val", schema(payload)))
                required.append(.string("val"))
            }
            return object([
                ("type", .string("object")), ("properties", .object(properties)), ("required", .array(required)),
                ("additionalProperties", .bool(false)),
            ])
        }))])
    }

    private static func anyOf(_ schemas: [JSONValue]) -> JSONValue { .object([("anyOf", .array(schemas))]) }
    private static func object(_ members: [(String, JSONValue)]) -> JSONValue { .object(members) }
    static func count(_ value: Int) -> JSONValue { .number(String(value)) }
}
