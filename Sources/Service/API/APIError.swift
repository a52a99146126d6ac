import Foundation
import HTTPServer
import ModuleStore
import Sandbox

/// An error answer: an API.md code, a client-safe detail, and extra members.
public struct APIError: Error, Sendable {
    public let code: ErrorCode
    public let detail: String
    /// Extra problem members (`chain`, `limit`, `backtrace`, ...).
    public var extras: [(String, JSONValue)] = []
    /// Extra headers (`Allow`, `Retry-After`, `WWW-Authenticate`).
    public var headers: [(name: String, value: String)] = []
    /// What failed underneath (an errno, an engine's message, a lower layer's
    /// error): logged with the request id where the error becomes a response
    /// (``WasmhostService/problem(_:_:)``), never sent.
    public var cause: String?

    /// The detail of every `internal` problem: the cause is in the server log.
    static let internalDetail = "an unexpected failure in wasmhost; the server log has its cause under this answer's X-Request-Id"

    public init(_ code: ErrorCode, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// The problem+json response.
    public var response: HTTPResponse {
        var members: [(String, JSONValue)] = [
            ("status", .number(String(code.status))), ("code", .string(code.rawValue)),
            ("title", .string(code.title)), ("detail", .string(detail)),
        ]
        members += extras
        return HTTPResponse(
            status: code.status,
            headers: [("Content-Type", "application/problem+json")] + headers,
            body: JSONWriter.encode(.object(members)))
    }
}

extension APIError {
    /// Maps a Sandbox error to its API code and members.
    init(_ error: SandboxError) {
        switch error {
        case .invalidModule(let detail): self.init(.invalidModule, detail)
        case .invalidWAT(let detail): self.init(.invalidWAT, detail)
        case .unsupportedModule(let detail): self.init(.unsupportedModule, detail)
        case .unknownImport(let detail): self.init(.unknownImport, detail)
        case .importTypeMismatch(let detail): self.init(.importTypeMismatch, detail)
        case .limitExceeded(let detail): self.init(.limitExceeded, detail)
        case .trap(let detail, let backtrace):
            self.init(.trap, detail)
            if !backtrace.isEmpty { extras = [("backtrace", .array(backtrace.map { .string($0) }))] }
        case .fuelExhausted(let limit):
            self.init(.fuelExhausted, "the invocation used its whole fuel budget of \(limit)")
            extras = [("limit", .number(String(limit)))]
        case .timeout(let milliseconds):
            self.init(.timeout, "the invocation passed its deadline of \(milliseconds) ms")
            extras = [("timeout_ms", .number(String(milliseconds)))]
        case .reentrancyLoop(let reason, let chain):
            let why = reason == .repeatedFrame
                ? "an export was re-entered with the same argument while still running"
                : "the chain of guest entries grew past the allowed depth"
            self.init(.reentrancyLoop, "reentrancy loop stopped: \(why)")
            extras = [("reason", .string(reason.rawValue)), ("chain", .array(chain.map { .string($0) }))]
        case .exportNotFound(let name, let functions):
            self.init(.exportNotFound, "no export '\(name.prefix(200))'; function exports: \(Self.list(functions))")
        case .notAFunction(let name, let kind):
            self.init(.notAFunction, "export '\(name)' is a \(kind), not a function")
        case .badArgs(let detail): self.init(.badArgs, detail)
        case .moduleNotFound(let ref): self.init(.moduleNotFound, "no module with id or name '\(ref)'")
        case .overloaded:
            self.init(.overloaded, "too many invocations are running and queued; retry shortly")
            headers = [("Retry-After", "1")]
        case .notReady: self.init(.notReady, "the server is draining and takes no new invocations")
        case .internal(let cause):
            self.init(.internal, Self.internalDetail)
            self.cause = cause
        }
    }

    /// At most this many names are listed in a detail.
    static let listedNames = 50

    /// `names` for a detail: at most ``listedNames`` of them, each at most 100
    /// characters, then how many more there are (`"a, b, … and 99,950 more"`).
    static func list(_ names: [String]) -> String {
        guard !names.isEmpty else { return "none" }
        var text = names.prefix(listedNames).map { $0.count > 100 ? $0.prefix(100) + "…" : $0 }.joined(separator: ", ")
        if names.count > listedNames {
            text += ", … and \((names.count - listedNames).formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))) more"
        }
        return text
    }

    /// Maps a store error to its API code.
    init(_ error: StoreError) {
        switch error {
        case .storageFull(let detail): self.init(.storageFull, detail)
        case .invalidName(let name):
            self.init(.badRequest, "name '\(name)' must match [a-z0-9][a-z0-9._-]{0,63} and not be 64 hex digits")
        case .notFound(let ref): self.init(.moduleNotFound, "no module with id or name '\(ref)'")
        case .io(let detail, let cause):
            self.init(.internal, Self.internalDetail)
            self.cause = "\(detail): \(cause)"
        case .unavailable(let detail):
            self.init(.storageUnavailable, detail)
            headers = [("Retry-After", "1")]
        }
    }
}
