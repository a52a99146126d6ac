import Foundation
import Sandbox

/// JSON ⇄ ``ComponentValue`` by WIT types, as API.md's component mapping table says.
///
/// A wrong value names its path from the argument list (`args[0].points[3].x`)
/// and what was expected; the caller adds the function's signature.
enum WITCodec {
    /// Why a value was refused, at `path`.
    struct Failure: Error {
        let path: String
        let message: String
    }

    /// Converts `args` (an array in parameter order, or an object keyed by
    /// parameter name) for `function`, or throws `bad_args` naming its signature.
    static func arguments(
        _ args: InvokeBody.Arguments, for function: ComponentDescription.Function, in description: ComponentDescription
    ) throws(APIError) -> [ComponentValue] {
        let signature = description.signature(of: function)
        do {
            switch args {
            case .positional(let values):
                guard values.count == function.params.count else {
                    let count = function.params.count
                    throw APIError(.badArgs, "\(signature) takes \(count) argument\(count == 1 ? "" : "s"), got \(values.count)")
                }
                return try zip(values, function.params).enumerated().map { index, pair throws(Failure) in
                    try read(pair.0, as: pair.1.type, path: "args[\(index)]")
                }
            case .named(let members):
                try refuseUnknown(members.map(\.0), known: function.params.map(\.name), path: "args", what: "parameter")
                return try function.params.map { param throws(Failure) in
                    try field(param, in: members, path: "args")
                }
            }
        } catch let failure as Failure {
            throw APIError(.badArgs, "\(signature): \(failure.path): \(failure.message)")
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(.badArgs, "\(signature): \(error)")
        }
    }

    /// The value of record field (or named parameter) `field` among `members`; an
    /// omitted `option` is `none`.
    private static func field(_ field: WITType.Field, in members: [(String, JSONValue)], path: String) throws(Failure) -> ComponentValue {
        let matches = members.filter { $0.0 == field.name }
        guard matches.count <= 1 else { throw Failure(path: path, message: "'\(field.name)' is given twice") }
        guard let value = matches.first?.1 else {
            if case .option = field.type { return .option(nil) }
            throw Failure(path: path, message: "'\(field.name)' is missing")
        }
        return try read(value, as: field.type, path: "\(path).\(field.name)")
    }

    private static func refuseUnknown(_ names: [String], known: [String], path: String, what: String) throws(Failure) {
        if let unknown = names.first(where: { !known.contains($0) }) {
            throw Failure(path: path, message: "unknown \(what) '\(unknown.prefix(64))'; expected \(known.joined(separator: ", "))")
        }
    }

    /// One JSON value as `type`.
    static func read(_ value: JSONValue, as type: WITType, path: String) throws(Failure) -> ComponentValue {
        func fail(_ message: String) -> Failure { Failure(path: path, message: "\(shown(value)) \(message)") }
        switch type {
        case .bool:
            guard case .bool(let flag) = value else { throw fail("is not a bool") }
            return .bool(flag)
        case .s8, .s16, .s32, .s64:
            return .signed(Int64(try integer(value, type, path: path)))
        case .u8, .u16, .u32, .u64:
            return .unsigned(UInt64(try integer(value, type, path: path)))
        case .f32:
            do { return .f32(UInt32(truncatingIfNeeded: try FloatRule.f32.read(value))) } catch { throw fail("is not an f32: \(error.message)") }
        case .f64:
            do { return .f64(try FloatRule.f64.read(value)) } catch { throw fail("is not an f64: \(error.message)") }
        case .char:
            guard case .string(let text) = value, text.unicodeScalars.count == 1, let scalar = text.unicodeScalars.first else {
                throw fail("is not a char (a string of exactly one Unicode scalar value)")
            }
            return .char(scalar)
        case .string:
            guard case .string(let text) = value else { throw fail("is not a string") }
            return .string(text)
        case .list(.u8):
            if case .object(let members) = value, members.count == 1, members[0].0 == "base64" {
                guard case .string(let text) = members[0].1, let data = Data(base64Encoded: text) else {
                    throw Failure(path: "\(path).base64", message: "is not valid base64")
                }
                return .list(data.map { .unsigned(UInt64($0)) })
            }
            return try list(value, of: .u8, path: path)
        case .list(let element):
            return try list(value, of: element, path: path)
        case .tuple(let types):
            guard case .array(let values) = value, values.count == types.count else {
                throw fail("is not a tuple of \(types.count) (an array of \(types.count) values)")
            }
            return .tuple(try zip(values, types).enumerated().map { index, pair throws(Failure) in
                try read(pair.0, as: pair.1, path: "\(path)[\(index)]")
            })
        case .record(let fields):
            guard case .object(let members) = value else { throw fail("is not a record (an object)") }
            try refuseUnknown(members.map(\.0), known: fields.map(\.name), path: path, what: "field")
            return .record(try fields.map { field throws(Failure) in try self.field(field, in: members, path: path) })
        case .enumeration(let names):
            guard case .string(let name) = value, names.contains(name) else {
                throw fail("is not one of \(names.map { "\"\($0)\"" }.joined(separator: ", "))")
            }
            return .enumeration(name)
        case .flags(let names):
            guard case .array(let values) = value else { throw fail("is not flags (an array of flag names)") }
            var set: Set<String> = []
            for (index, entry) in values.enumerated() {
                guard case .string(let name) = entry, names.contains(name) else {
                    throw Failure(path: "\(path)[\(index)]", message: "\(shown(entry)) is not one of \(names.joined(separator: ", "))")
                }
                guard set.insert(name).inserted else { throw Failure(path: "\(path)[\(index)]", message: "'\(name)' is given twice") }
            }
            return .flags(names.filter(set.contains))
        case .variant(let cases):
            let (tag, payload) = try tagged(value, path: path, tags: cases.map(\.name))
            guard let match = cases.first(where: { $0.name == tag }) else { throw Failure(path: path, message: "unknown case") }
            return .variant(name: tag, payload: try self.payload(payload, as: match.payload, path: path, tag: tag))
        case .option(.option(let inner)):
            // option<option<T>>: the outer level is tagged, so that none and some(none) differ.
            let (tag, payload) = try tagged(value, path: path, tags: ["none", "some"])
            return .option(tag == "none" ? nil : try self.payload(payload, as: .option(inner), path: path, tag: tag))
        case .option(let inner):
            if case .null = value { return .option(nil) }
            return .option(try read(value, as: inner, path: path))
        case .result(let ok, let err):
            let (tag, payload) = try tagged(value, path: path, tags: ["ok", "err"])
            return .result(isOk: tag == "ok", payload: try self.payload(payload, as: tag == "ok" ? ok : err, path: path, tag: tag))
        case .handle, .unsupported:
            throw Failure(path: path, message: "\(WITText.structure(type, naming: nil)) values cannot cross JSON")
        }
    }

    private static func list(_ value: JSONValue, of element: WITType, path: String) throws(Failure) -> ComponentValue {
        guard case .array(let values) = value else {
            throw Failure(path: path, message: "\(shown(value)) is not a list (an array\(element == .u8 ? " or {\"base64\": …}" : ""))")
        }
        var converted: [ComponentValue] = []
        converted.reserveCapacity(values.count)
        for (index, entry) in values.enumerated() { converted.append(try read(entry, as: element, path: "\(path)[\(index)]")) }
        return .list(converted)
    }

    /// `{"tag": …, "val": …}` with a tag among `tags`.
    private static func tagged(_ value: JSONValue, path: String, tags: [String]) throws(Failure) -> (String, JSONValue?) {
        let expected = "{\"tag\": \(tags.map { "\"\($0)\"" }.joined(separator: " | ")), \"val\": …}"
        guard case .object(let members) = value, let tagMember = value.member("tag") else {
            throw Failure(path: path, message: "\(shown(value)) is not \(expected)")
        }
        try refuseUnknown(members.map(\.0), known: ["tag", "val"], path: path, what: "member")
        guard case .string(let tag) = tagMember, tags.contains(tag) else {
            throw Failure(path: "\(path).tag", message: "\(shown(tagMember)) is not one of \(tags.joined(separator: ", "))")
        }
        return (tag, value.member("val"))
    }

    private static func payload(_ value: JSONValue?, as type: WITType?, path: String, tag: String) throws(Failure) -> ComponentValue? {
        switch (value, type) {
        case (nil, nil): return nil
        case (let value?, let type?): return try read(value, as: type, path: "\(path).val")
        case (nil, .some): throw Failure(path: path, message: "case '\(tag)' needs a \"val\"")
        case (.some, nil): throw Failure(path: "\(path).val", message: "case '\(tag)' has no payload")
        }
    }

    /// An integer of a WIT integer type, exactly (decimal or `0x` strings accepted).
    private static func integer(_ value: JSONValue, _ type: WITType, path: String) throws(Failure) -> Int128 {
        let rule = ValueRule.witInteger(type, argument: true) ?? IntegerRule.i64Argument
        let name = WITText.structure(type, naming: nil)
        do { return try rule.read(value) } catch {
            let message = error.message.hasPrefix("is out of range") ? "is out of range for \(name)" : "is not an \(name)"
            throw Failure(path: path, message: "\(shown(value)) \(message)")
        }
    }

    /// A JSON value as a short quote for error details.
    static func shown(_ value: JSONValue) -> String {
        let text = String(decoding: JSONWriter.encode(value), as: UTF8.self)
        return text.count > 40 ? String(text.prefix(40)) + "…" : text
    }

    /// A result value as JSON.
    static func json(_ value: ComponentValue, as type: WITType) -> JSONValue {
        switch (value, type) {
        case (.bool(let flag), _): return .bool(flag)
        case (.signed(let number), _): return .number(String(number))
        case (.unsigned(let number), _): return .number(String(number))
        case (.f32(let bits), _): return FloatCodec.json(Float(bitPattern: bits), bits: UInt64(bits), canonicalNaN: 0x7FC0_0000)
        case (.f64(let bits), _): return FloatCodec.json(Double(bitPattern: bits), bits: bits, canonicalNaN: 0x7FF8_0000_0000_0000)
        case (.char(let scalar), _): return .string(String(scalar))
        case (.string(let text), _), (.enumeration(let text), _): return .string(text)
        case (.list(let values), .list(let element)): return .array(values.map { json($0, as: element) })
        case (.tuple(let values), .tuple(let types)): return .array(zip(values, types).map { json($0, as: $1) })
        case (.record(let values), .record(let fields)):
            return .object(zip(values, fields).map { ($1.name, json($0, as: $1.type)) })
        case (.flags(let names), .flags(let declared)): return .array(declared.filter(names.contains).map { .string($0) })
        case (.variant(let name, let payload), .variant(let cases)):
            return tagged(name, payload, cases.first { $0.name == name }?.payload)
        case (.option(let payload), .option(.option(let inner))):
            return payload.map { tagged("some", $0, .option(inner)) } ?? .object([("tag", .string("none"))])
        case (.option(let payload), .option(let inner)): return payload.map { json($0, as: inner) } ?? .null
        case (.result(let isOk, let payload), .result(let ok, let err)):
            return tagged(isOk ? "ok" : "err", payload, isOk ? ok : err)
        default:
            return .null
        }
    }

    private static func tagged(_ tag: String, _ payload: ComponentValue?, _ type: WITType?) -> JSONValue {
        var members: [(String, JSONValue)] = [("tag", .string(tag))]
        if let payload, let type { members.append(("val", json(payload, as: type))) }
        return .object(members)
    }
}
