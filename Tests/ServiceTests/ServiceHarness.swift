import Foundation
import Synchronization
import HTTPServer
import Logging
import ModuleStore
@testable import Service

/// A `WasmhostService` over a store in a fresh temp dir, driven without a socket.
/// Tests call `defer { harness.close() }`, which also keeps the harness alive.
final class ServiceHarness: Sendable {
    let directory: String
    let store: ModuleStore
    let service: WasmhostService

    init(configuration: ServiceConfiguration = .init()) throws {
        directory = NSTemporaryDirectory() + "wasmhost-service-test-\(UUID().uuidString)"
        store = try ModuleStore(dataDirectory: directory, logger: Logger(label: "test.store"))
        service = WasmhostService(configuration: configuration, store: store, logger: Logger(label: "test.service"))
    }

    /// Stops the service's pools and removes the store.
    func close() {
        service.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Sends `request` and waits (at most 10 s) for the answer, inline or deferred.
    func send(_ request: HTTPRequest) -> HTTPResponse {
        service.answer(request, waitingAtMost: 10)
    }

    func send(
        _ method: String, _ path: String, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [], body: String = ""
    ) -> HTTPResponse {
        send(HTTPRequest(method: method, path: path, query: query, headers: headers, body: Array(body.utf8)))
    }
}

extension HTTPResponse {
    /// The top-level members of a JSON body (empty when it is not an object).
    var members: [String: JSONValue] {
        guard case .object(let pairs)? = try? JSONParser.parse(body) else { return [:] }
        return Dictionary(pairs, uniquingKeysWith: { first, _ in first })
    }

    /// The problem `code`, if the body is a problem.
    var code: String? {
        if case .string(let code)? = members["code"] { return code }
        return nil
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
