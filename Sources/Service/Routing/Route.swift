import Foundation
import Hex

/// A route of the API, matched from the raw path with each segment percent-decoded.
enum Route: Equatable {
    case health
    case ready
    case metrics
    case openAPI
    case modules
    case module(ref: String)
    case moduleOpenAPI(ref: String)
    case invoke(ref: String, export: String)
    /// The web console's page, `/`.
    case console
    /// One of the console's files, `/console/{asset}`.
    case consoleAsset(String)

    /// The template used as a metrics label and in logs (bounded set).
    var template: String {
        switch self {
        case .health: "/healthz"
        case .ready: "/readyz"
        case .metrics: "/metrics"
        case .openAPI: "/openapi.json"
        case .modules: "/v1/modules"
        case .module: "/v1/modules/{ref}"
        case .moduleOpenAPI: "/v1/modules/{ref}/openapi.json"
        case .invoke: "/v1/modules/{ref}/invoke/{export}"
        case .console: "/"
        case .consoleAsset: "/console/{asset}"
        }
    }

    /// Methods this route answers.
    var allowedMethods: [String] {
        switch self {
        case .health, .ready, .metrics, .openAPI, .moduleOpenAPI, .console, .consoleAsset: ["GET"]
        case .modules: ["GET", "POST"]
        case .module: ["GET", "PUT", "DELETE"]
        case .invoke: ["POST"]
        }
    }

    /// True for routes under `/v1`, which auth protects.
    var isAPI: Bool {
        switch self {
        case .modules, .module, .moduleOpenAPI, .invoke: true
        default: false
        }
    }

    /// Every template, for the OpenAPI consistency test.
    static let templates = ["/healthz", "/readyz", "/metrics", "/openapi.json", "/v1/modules",
                            "/v1/modules/{ref}", "/v1/modules/{ref}/openapi.json", "/v1/modules/{ref}/invoke/{export}", "/",
                            "/console/{asset}"]

    /// Matches a raw path. `nil` when no route has this shape.
    /// - Throws: `bad_request` for bad percent-encoding in a segment.
    static func match(_ rawPath: String) throws(APIError) -> Route? {
        if rawPath == "/" { return .console }
        // Split the UTF-8 bytes: splitting the String itself would break it into
        // Characters (grapheme clusters) first, several times slower for a path.
        let segments = rawPath.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .dropFirst().map(Substring.init)
        // An empty segment (`/v1/modules/`, `//x`) is no route's shape.
        guard !segments.contains(where: { $0.isEmpty }) else { return nil }
        let underModules = segments.count >= 2 && segments[0] == "v1" && segments[1] == "modules"
        switch segments.count {
        case 1:
            switch segments[0] {
            case "healthz": return .health
            case "readyz": return .ready
            case "metrics": return .metrics
            case "openapi.json": return .openAPI
            default: return nil
            }
        case 2 where underModules:
            return .modules
        case 2 where segments[0] == "console":
            return .consoleAsset(try decode(segments[1]))
        case 3 where underModules:
            return .module(ref: try decode(segments[2]))
        case 4 where underModules && segments[3] == "openapi.json":
            return .moduleOpenAPI(ref: try decode(segments[2]))
        case 5 where underModules && segments[3] == "invoke":
            return .invoke(ref: try decode(segments[2]), export: try decode(segments[4]))
        default:
            return nil
        }
    }

    private static func decode(_ segment: Substring) throws(APIError) -> String {
        if !segment.utf8.contains(UInt8(ascii: "%")) { return String(segment) }
        guard let decoded = PercentDecoding.decode(segment), !decoded.isEmpty else {
            throw APIError(.badRequest, "path segment '\(segment.prefix(64))' is empty or has bad percent-encoding")
        }
        return decoded
    }
}

/// Strict percent-decoding: `%` must be followed by two hex digits and the
/// result must be valid UTF-8, else `nil`. Not Foundation's
/// `removingPercentEncoding`: it drops a leading U+FEFF (`%EF%BB%BF`), which is
/// a valid export name (the spec suite's names.wast has one).
enum PercentDecoding {
    /// - Parameter plusAsSpace: read `+` as a space, as in a query string.
    static func decode<S: StringProtocol>(_ text: S, plusAsSpace: Bool = false) -> String? {
        var bytes: [UInt8] = []
        var input = Array(text.utf8)[...]
        while let byte = input.popFirst() {
            switch byte {
            case UInt8(ascii: "%"):
                guard input.count >= 2, let decoded = Hex.decode(input.prefix(2)) else { return nil }
                bytes += decoded
                input = input.dropFirst(2)
            case UInt8(ascii: "+") where plusAsSpace:
                bytes.append(UInt8(ascii: " "))
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
