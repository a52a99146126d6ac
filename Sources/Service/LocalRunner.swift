import Foundation
import HTTPServer
import Logging
import ModuleStore
import Sandbox

/// Runs the service's own code paths without a socket, for the CLI's `check`
/// and `run`: same validation, sandbox, limits, value syntax and JSON.
public struct LocalRunner {
    let service: WasmhostService
    let directory: String

    /// Creates a runner over a throwaway store in a temp directory.
    public init(configuration: ServiceConfiguration = .init()) throws {
        directory = NSTemporaryDirectory() + "wasmhost-run-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let store = try ModuleStore(dataDirectory: directory, logger: Logger(label: "wasmhost.run"))
        service = WasmhostService(configuration: configuration, store: store, logger: Logger(label: "wasmhost.run"))
    }

    /// Removes the temp store.
    public func close() { try? FileManager.default.removeItem(atPath: directory) }

    /// Sends one request through the service and waits for the answer.
    public func send(_ request: HTTPRequest) -> HTTPResponse {
        switch service.handle(request) {
        case .respond(let response):
            return response
        case .deferred(let work):
            let box = ResponseBox()
            work { response in box.put(response) }
            return box.take()
        }
    }

    /// Uploads `bytes`; the answer is the module description or a problem.
    public func upload(_ bytes: [UInt8]) -> HTTPResponse {
        send(HTTPRequest(method: "POST", path: "/v1/modules", body: bytes))
    }

    /// Invokes `export` of module `id` with a JSON body.
    public func invoke(id: String, export: String, body: [UInt8]) -> HTTPResponse {
        let encoded = export.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? export
        return send(HTTPRequest(method: "POST", path: "/v1/modules/\(id)/invoke/\(encoded)", body: body))
    }

    /// Builds an invoke body from command-line words: each argument is read as
    /// JSON when it parses (`1`, `-0.0`, `null`, `{"bits":"0x1"}`), else as a string (`nan`, `0x10`).
    public static func invokeBody(arguments: [String], input: String?) -> [UInt8] {
        let values = arguments.map { word -> JSONValue in
            (try? JSONParser.parse(Array(word.utf8))) ?? .string(word)
        }
        var members: [(String, JSONValue)] = [("args", .array(values))]
        if let input { members.append(("input", .string(input))) }
        return JSONWriter.encode(.object(members))
    }
}

/// Hands one response from a worker thread to the waiting caller.
private final class ResponseBox: @unchecked Sendable {
    // Safety: `response` is guarded by `condition`.
    private let condition = NSCondition()
    private var response: HTTPResponse?

    func put(_ value: HTTPResponse) {
        condition.lock()
        response = value
        condition.signal()
        condition.unlock()
    }

    func take() -> HTTPResponse {
        condition.lock()
        defer { condition.unlock() }
        while response == nil { condition.wait() }
        return response ?? HTTPResponse(status: 500)
    }
}
