import TestSupport
import Foundation
import Glibc
import HTTPServer
import Synchronization

/// A small application: `/inline` answers on the event thread, `/deferred` from
/// another thread after 50 ms, `/slow` after 1 s, `/slower` after 2.5 s, `/sync-deferred` defers but
/// completes before `work` returns; every request is recorded.
final class TestHandler: HTTPHandler {
    let limit: Int
    let requests = Mutex<[HTTPRequest]>([])

    init(limit: Int = 4096) { self.limit = limit }

    func bodyLimit(method: String, path: String) -> Int { limit }

    func handle(_ request: HTTPRequest) -> HTTPHandling {
        requests.withLock { $0.append(request) }
        let summary = "\(request.method) \(request.path) \(request.body.count) \(checksum(request.body))"
        switch request.path {
        case "/sync-deferred":
            return .deferred { complete in complete(HTTPResponse(status: 503, body: Array(summary.utf8))) }
        case "/deferred", "/slow", "/slower":
            let delay = ["/slow": 1.0, "/slower": 2.5][request.path] ?? 0.05
            return .deferred { complete in
                DispatchQueue.global().asyncAfter(deadline: .now() + delay) {
                    complete(HTTPResponse(status: 202, headers: [("X-Kind", "deferred")], body: Array(summary.utf8)))
                }
            }
        default:
            return .respond(HTTPResponse(status: 200, headers: [("X-Kind", "inline")], body: Array(summary.utf8)))
        }
    }

    func response(for error: HTTPServerError) -> HTTPResponse {
        let name: String
        let status: Int
        switch error {
        case .bodyTooLarge(let limit): (name, status) = ("too-large-\(limit)", 413)
        case .conflictingContentLength: (name, status) = ("conflicting-length", 400)
        case .lengthWithTransferEncoding: (name, status) = ("length-and-encoding", 400)
        case .shuttingDown: (name, status) = ("shutting-down", 503)
        }
        return HTTPResponse(status: status, headers: [("X-Failure", name), ("Connection", "close")], body: Array(name.utf8))
    }
}

/// A cheap fingerprint of body bytes, so tests can check they arrived intact.
func checksum(_ bytes: [UInt8]) -> UInt32 {
    bytes.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 }
}

/// A server on an ephemeral loopback port, stopped by `defer { running.stop() }`.
final class RunningServer: Sendable {
    let server: HTTPServer
    let handler: TestHandler

    init(handler: TestHandler = TestHandler(), eventThreads: Int = 1, requestTimeoutSeconds: Int = 30) throws {
        self.handler = handler
        server = HTTPServer(
            configuration: HTTPServerConfiguration(
                host: "127.0.0.1", port: 0, eventThreads: eventThreads, requestTimeoutSeconds: requestTimeoutSeconds),
            handler: handler)
        try server.start()
    }

    var port: UInt16 { server.port }

    func stop() { server.stop() }
}

/// Monotonic seconds.
func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
