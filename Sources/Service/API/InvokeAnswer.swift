import Foundation
import Sandbox

/// The `200` body of an invocation.
enum InvokeAnswer {
    static func json(_ result: InvocationResult) -> JSONValue {
        var members: [(String, JSONValue)] = [("results", .array(result.results.map(ValueCodec.result)))]
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
enum DescriptionJSON {
    static func json(_ description: ModuleDescription, id: String, names: [String], size: Int, createdAt: Date) -> JSONValue {
        .object([
            ("id", .string(id)),
            ("names", .array(names.map { .string($0) })),
            ("size", .number(String(size))),
            ("created_at", .string(timestamp(createdAt))),
            ("exports", .array(description.exports.map { entity($0.entity, head: [("name", .string($0.name))]) })),
            ("imports", .array(description.imports.map {
                entity($0.entity, head: [("module", .string($0.module)), ("name", .string($0.name))])
            })),
            ("openapi", .string(ModuleOpenAPI.url(id: id))),
        ])
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
