import Foundation
import HTTPServer
import Logging
import Service
import ServiceLifecycle

/// The running daemon as a lifecycle service: on graceful shutdown it stops
/// taking invocations and uploads, lets running ones finish up to the grace
/// period, answers what is still unfinished with `503 not_ready`, closes the
/// listener, then stops the service's pools.
struct Daemon: ServiceLifecycle.Service {
    let server: HTTPServer
    let service: WasmhostService
    let graceSeconds: Int
    let logger: Logger
    /// Printed on stdout once the group runs: its SIGTERM/SIGINT handlers are in
    /// place by then, so a client that starts on this line can always stop the
    /// daemon cleanly (with every log line written).
    let listeningLine: String

    func run() async throws {
        FileHandle.standardOutput.write(Data(listeningLine.utf8))
        try? await gracefulShutdown()
        service.drain()
        logger.info("draining", metadata: ["grace_seconds": "\(graceSeconds)"])
        let deadline = Date().addingTimeInterval(TimeInterval(graceSeconds))
        while Date() < deadline {
            let load = service.load
            // Uploads and deletes are deferred too: wait for every suspended connection.
            if load.running == 0 && load.queued == 0 && server.unansweredDeferred == 0 { break }
            try? await Task.sleep(for: .milliseconds(20))
        }
        let unfinished = server.unansweredDeferred
        if unfinished > 0 {
            logger.warning("grace period over; answering unfinished requests with 503 not_ready",
                           metadata: ["requests": "\(unfinished)"])
        }
        let report = server.stop()
        // No request can reach the service now: its pools and timer can stop.
        service.shutdown()
        if !report.stoppedCleanly {
            logger.error("a connection did not take its shutdown answer in time; exiting without stopping the HTTP threads")
        }
        logger.info("stopped", metadata: ["answered_at_shutdown": "\(report.answeredAtShutdown)"])
    }
}
