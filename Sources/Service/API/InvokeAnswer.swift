import Foundation
import ModuleStore
import Sandbox

/// The `200` body of an invocation.
enum InvokeAnswer {
    static func json(_ result: InvocationResult) -> JSONValue {
        let results = result.componentResults.map { $0.map { WITCodec.json($0.value, as: $0.type) } }
            ?? result.results.map(ValueCodec.result)
        var members: [(String, JSONValue)] = [("results", .array(results))]
        members += streams(of: result)
        members.append(("fuel_used", .number(String(result.fuelUsed))))
        members.append(("duration_us", .number(String(result.durationMicroseconds))))
        return .object(members)
    }

    /// The captured streams the guest used, `exit_code` and `truncated`.
    static func streams(of result: InvocationResult) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = []
        if let output = result.output { members += stream("output", output) }
        if let logs = result.logs { members.append(("logs", .array(logs.map { .string($0) }))) }
        if let stdout = result.stdout { members += stream("stdout", stdout) }
        if let stderr = result.stderr { members += stream("stderr", stderr) }
        if let exitCode = result.exitCode { members.append(("exit_code", .number(String(exitCode)))) }
        if !result.truncated.isEmpty { members.append(("truncated", .array(result.truncated.map { .string($0) }))) }
        return members
    }

    /// A byte stream as UTF-8 text, or as `NAME_base64` when it is not valid UTF-8.
    static func stream(_ name: String, _ bytes: [UInt8]) -> [(String, JSONValue)] {
        if let text = String(validating: bytes, as: UTF8.self) { return [(name, .string(text))] }
        return [("\(name)_base64", .string(Data(bytes).base64EncodedString()))]
    }
}

/// A module description as JSON.
///
/// The part that depends only on the bytes (`exports`, `imports`) is made once at
/// upload and stored next to the module (``stored(_:)``); a description answer
/// is the record's own members followed by those stored bytes (``write(_:into:)``),
/// so describing never parses or compiles a module.
enum DescriptionJSON {
    /// The stored part of a description: a JSON object with `kind`, `exports`
    /// and `imports` (and for a component `types` and `wit`).
    static func stored(_ module: CompiledModule) -> [UInt8] {
        if let component = module.component { return JSONWriter.encode(.object(ComponentDescriptionJSON.members(component))) }
        return JSONWriter.encode(.object([("kind", .string("module"))] + members(module.description)))
    }

    /// Writes the description of `record`: its id, names, size and creation time,
    /// then the members of its stored description.
    static func write(_ record: ModuleRecord, stored: [UInt8], into writer: inout JSONWriter) {
        var head = JSONWriter.encode(.object(head(id: record.id, names: record.names, size: record.size, createdAt: record.createdAt)))
        // `{…}` + `{"exports":…}` → `{…,"exports":…}`; the stored object is never empty.
        guard stored.count > 2, stored.first == UInt8(ascii: "{"), stored.last == UInt8(ascii: "}"), head.last == UInt8(ascii: "}") else {
            writer.writeRaw(head)
            return
        }
        head[head.count - 1] = UInt8(ascii: ",")
        writer.writeRaw(head)
        // Descriptions stored before `kind` existed are core modules.
        if !stored.starts(with: Array(#"{"kind":"#.utf8)) { writer.writeRaw(Array(#""kind":"module","#.utf8)) }
        // …then its members after the record's, and the members that depend on the id last.
        writer.writeRaw(stored[1..<(stored.count - 1)])
        var tail = JSONWriter.encode(.object(tail(id: record.id)))
        tail[0] = UInt8(ascii: ",")
        writer.writeRaw(tail)
    }

    /// Members after the stored ones: the module's own OpenAPI document.
    private static func tail(id: String) -> [(String, JSONValue)] {
        [("openapi", .string(ModuleOpenAPI.url(id: id)))]
    }

    private static func head(id: String, names: [String], size: Int, createdAt: Date) -> [(String, JSONValue)] {
        [
            ("id", .string(id)),
            ("names", .array(names.map { .string($0) })),
            ("size", .number(String(size))),
            ("created_at", .string(timestamp(createdAt))),
        ]
    }

    private static func members(_ description: ModuleDescription) -> [(String, JSONValue)] {
        [
            ("exports", .array(description.exports.map { entity($0.entity, head: [("name", .string($0.name))]) })),
            ("imports", .array(description.imports.map {
                entity($0.entity, head: [("module", .string($0.module)), ("name", .string($0.name))])
            })),
        ]
    }

    private static func entity(_ entity: ModuleDescription.Entity, head: [(String, JSONValue)]) -> JSONValue {
        var members = head + [("kind", .string(entity.kind))]
        func limit(_ value: UInt64?) -> JSONValue { value.map { .number(String($0)) } ?? .null }
        switch entity {
        case .function(let signature), .tag(let signature):
            members.append(("params", .array(signature.params.map { .string($0.rawValue) })))
            members.append(("results", .array(signature.results.map { .string($0.rawValue) })))
        case .memory(let min, let max):
            members += [("min", limit(min)), ("max", limit(max))]
        case .table(let element, let min, let max):
            members += [("element", .string(element)), ("min", limit(min)), ("max", limit(max))]
        case .global(let type, let mutable):
            members += [("type", .string(type.rawValue)), ("mutable", .bool(mutable))]
        }
        return .object(members)
    }

    /// RFC 3339 UTC with seconds, e.g. `2026-11-25T16:00:00Z`.
    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
