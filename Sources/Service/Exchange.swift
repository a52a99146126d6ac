import Foundation
import HTTPServer
import Logging

/// Book-keeping for one request: id, timing, and what the log line reports.
final class Exchange: @unchecked Sendable {
    // Safety: written on the event thread before any hand-off, then by the one
    // thread that finishes the request; never concurrently.
    let requestID: String
    let method: String
    let started = DispatchTime.now().uptimeNanoseconds
    var route = "unmatched"
    var moduleID: String?
    var outcome: String?

    init(request: HTTPRequest) {
        method = request.method
        requestID = String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }
}

extension WasmhostService {
    /// Adds the request id, logs one line and counts the request.
    func finish(_ response: HTTPResponse, _ exchange: Exchange) -> HTTPResponse {
        var response = response
        response.headers.append(("X-Request-Id", exchange.requestID))
        let micros = (DispatchTime.now().uptimeNanoseconds - exchange.started) / 1000
        var metadata: Logger.Metadata = [
            "request_id": "\(exchange.requestID)", "method": "\(exchange.method)", "route": "\(exchange.route)",
            "status": "\(response.status)", "duration_us": "\(micros)",
        ]
        if let moduleID = exchange.moduleID { metadata["module_id"] = "\(moduleID)" }
        if let outcome = exchange.outcome { metadata["outcome"] = "\(outcome)" }
        logger.info("request", metadata: metadata)
        ServiceMetrics.request(route: exchange.route, method: ServiceMetrics.methodLabel(exchange.method), status: response.status)
        return response
    }
}
