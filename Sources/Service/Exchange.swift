import Foundation
import HTTPServer
import Logging
import Synchronization

/// Book-keeping for one request: id, timing, and what the log line reports.
final class Exchange: @unchecked Sendable {
    // Safety: written on the event thread before any hand-off, then by the one
    // thread that finishes the request; never concurrently.
    let requestID: String
    let method: String
    let started: UInt64
    var route = "unmatched"
    var moduleID: String?
    var outcome: String?
    /// The cause of an error answer, logged once by ``WasmhostService/finish(_:_:)``.
    var cause: String?

    init(request: HTTPRequest) {
        method = request.method
        requestID = RequestIDs.next()
        started = DispatchTime.now().uptimeNanoseconds
    }

    private init(copying other: Exchange) {
        requestID = other.requestID
        method = other.method
        started = other.started
        route = other.route
        moduleID = other.moduleID
        outcome = other.outcome
        cause = other.cause
    }

    /// An independent copy, for a second thread that may finish the same request.
    func copy() -> Exchange { Exchange(copying: self) }
}

/// Request ids: hex, counting up from a random start chosen once per process.
/// Unique within a process and unlikely to repeat across restarts, without a
/// getrandom(2) system call per request.
enum RequestIDs {
    private static let start = UInt64.random(in: 0...UInt64.max)
    private static let issued = Atomic<UInt64>(0)

    static func next() -> String {
        String(start &+ issued.add(1, ordering: .relaxed).newValue, radix: 16)
    }
}

extension WasmhostService {
    /// The response for `error`; its cause goes to the log when the request finishes.
    func problem(_ error: APIError, _ exchange: Exchange) -> HTTPResponse {
        if let cause = error.cause { exchange.cause = cause }
        return error.response
    }

    /// Adds the request id, logs one line (and the cause of an error answer) and
    /// counts the request.
    func finish(_ response: HTTPResponse, _ exchange: Exchange) -> HTTPResponse {
        var response = response
        response.headers.append(("X-Request-Id", exchange.requestID))
        let micros = (DispatchTime.now().uptimeNanoseconds - exchange.started) / 1000
        var metadata = Logger.Metadata(minimumCapacity: 7)
        metadata["request_id"] = .string(exchange.requestID)
        metadata["method"] = .string(exchange.method)
        metadata["route"] = .string(exchange.route)
        metadata["status"] = .string(String(response.status))
        metadata["duration_us"] = .string(String(micros))
        if let moduleID = exchange.moduleID { metadata["module_id"] = .string(moduleID) }
        if let outcome = exchange.outcome { metadata["outcome"] = .string(outcome) }
        logger.info("request", metadata: metadata)
        logCause(exchange, status: response.status)
        ServiceMetrics.request(route: exchange.route, method: ServiceMetrics.methodLabel(exchange.method), status: response.status)
        return response
    }

    /// Logs the cause of an error answer, if it has one, with the request id.
    func logCause(_ exchange: Exchange, status: Int) {
        guard let cause = exchange.cause else { return }
        logger.error("request failed", metadata: [
            "request_id": .string(exchange.requestID), "status": .string(String(status)), "cause": .string(cause),
        ])
    }
}
