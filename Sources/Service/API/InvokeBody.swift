import Foundation
import Sandbox

/// The body of `POST /v1/modules/{ref}/invoke/{export}`, checked member by member.
struct InvokeBody {
    /// `args` as an array in parameter order, or (components only) an object keyed by parameter name.
    enum Arguments {
        case positional([JSONValue])
        case named([(String, JSONValue)])
    }

    var args: [JSONValue] = []
    /// `args` given as an object.
    var namedArgs: [(String, JSONValue)]?
    var input: [UInt8] = []
    var fuel: UInt64?
    var timeoutMilliseconds: Int?
    var wasi = WASIOptions()

    /// The empty body `{}`.
    init() {}

    /// Parses and checks a body; an empty body is `{}`.
    init(_ bytes: [UInt8]) throws(APIError) {
        guard !bytes.isEmpty else { return }
        let root: JSONValue
        do { root = try JSONParser.parse(bytes) } catch { throw APIError(.badRequest, "body is not valid JSON: \(error.message)") }
        guard case .object(let members) = root else { throw APIError(.badRequest, "body must be a JSON object") }
        var sawInput = false
        for (name, value) in members {
            switch name {
            case "args":
                switch value {
                case .array(let values): args = values
                case .object(let members): namedArgs = members
                default: throw Self.wrongType("args", "an array", value)
                }
            case "input", "input_base64":
                guard case .string(let text) = value else { throw Self.wrongType(name, "a string", value) }
                guard !sawInput else { throw APIError(.badRequest, "give either input or input_base64, not both") }
                sawInput = true
                if name == "input" {
                    input = Array(text.utf8)
                } else {
                    guard let data = Data(base64Encoded: text) else { throw APIError(.badRequest, "input_base64 is not valid base64") }
                    input = Array(data)
                }
            case "fuel":
                fuel = try Self.count("fuel", value)
            case "timeout_ms":
                timeoutMilliseconds = Int(clamping: try Self.count("timeout_ms", value))
            case "wasi":
                wasi = try Self.wasiOptions(value)
            default:
                throw APIError(.badRequest, "unknown member '\(name)'; allowed: args, input, input_base64, fuel, timeout_ms, wasi")
            }
        }
    }

    /// The arguments as given.
    var arguments: Arguments { namedArgs.map(Arguments.named) ?? .positional(args) }

    static func wrongType(_ name: String, _ expected: String, _ value: JSONValue) -> APIError {
        APIError(.badRequest, "\(name) must be \(expected), got \(value.typeName)")
    }

    /// A positive integer (`fuel`, `timeout_ms`): `0` would fail every call, so it
    /// is refused like a negative. Values past 2^64 clamp (above any limit anyway).
    private static func count(_ name: String, _ value: JSONValue) throws(APIError) -> UInt64 {
        guard case .number(let text) = value else { throw wrongType(name, "a positive integer", value) }
        let parts: (negative: Bool, magnitude: UInt64)
        do {
            parts = try ExactInteger.fromJSONNumber(text)
        } catch ExactInteger.Failure.outOfRange where !text.hasPrefix("-") {
            return .max
        } catch {
            throw APIError(.badRequest, "\(name) must be a positive integer, got \(text.prefix(40))")
        }
        guard !parts.negative, parts.magnitude >= 1 else {
            throw APIError(.badRequest, "\(name) must be at least 1, got \(text.prefix(40))")
        }
        return parts.magnitude
    }

    private static func wasiOptions(_ value: JSONValue) throws(APIError) -> WASIOptions {
        guard case .object(let members) = value else { throw wrongType("wasi", "an object", value) }
        var options = WASIOptions()
        for (name, member) in members {
            switch name {
            case "args":
                guard case .array(let values) = member else { throw wrongType("wasi.args", "an array of strings", member) }
                var args: [String] = []
                for value in values {
                    guard case .string(let text) = value else { throw wrongType("wasi.args", "an array of strings", value) }
                    // A C program sees each argument up to its first NUL: refuse rather than truncate.
                    guard !text.utf8.contains(0) else { throw APIError(.badRequest, "wasi.args must not contain a NUL character") }
                    args.append(text)
                }
                options.args = args
            case "env":
                guard case .object(let pairs) = member else { throw wrongType("wasi.env", "an object of strings", member) }
                for (key, value) in pairs {
                    guard case .string(let text) = value else { throw wrongType("wasi.env.\(key)", "a string", value) }
                    // The guest sees `KEY=VALUE` strings: an `=` in a key or a NUL anywhere changes them.
                    guard !key.isEmpty, !key.utf8.contains(UInt8(ascii: "=")) else {
                        throw APIError(.badRequest, "wasi.env key '\(key.prefix(64))' must be non-empty and must not contain '='")
                    }
                    guard !key.utf8.contains(0), !text.utf8.contains(0) else {
                        throw APIError(.badRequest, "wasi.env must not contain a NUL character")
                    }
                    options.environment[key] = text
                }
            case "stdin":
                guard case .string(let text) = member else { throw wrongType("wasi.stdin", "a string", member) }
                options.stdin = Array(text.utf8)
            default:
                throw APIError(.badRequest, "unknown member 'wasi.\(name)'; allowed: args, env, stdin")
            }
        }
        return options
    }
}
