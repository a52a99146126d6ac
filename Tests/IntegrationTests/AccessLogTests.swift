import Foundation
import Testing

/// The per-request log is written in batches (issue 15): a line shows up
/// within a flush interval, and a clean shutdown loses none.
@Suite(.timeLimit(.minutes(1)))
struct AccessLogTests {
    @Test(arguments: ["text", "json"])
    func everyRequestIsLoggedBeforeACleanExit(format: String) throws {
        let daemon = try Daemon(environment: ["WASMHOST_LOG_FORMAT": format])
        let connection = try daemon.connect()
        var ids: [String] = []
        for _ in 0..<300 {
            let answer = try connection.request("GET", "/healthz")
            ids.append(try #require(answer.header("X-Request-Id")))
        }
        // At once, well inside one flush interval of the last request.
        #expect(daemon.terminate() == 0)
        let log = daemon.log
        let missing = ids.filter { !log.contains("request_id\(format == "json" ? "\":\"" : "=")\($0)") }
        #expect(missing.isEmpty, "\(missing.count) of \(ids.count) lines missing")
        #expect(log.contains("stopped"))
    }

    @Test func aLineIsWrittenWhileTheDaemonRuns() throws {
        let daemon = try Daemon()
        let answer = try daemon.request("GET", "/healthz")
        let id = try #require(answer.header("X-Request-Id"))
        #expect(daemon.logEventually(contains: "request_id=\(id)", seconds: 5))
        #expect(daemon.isRunning)
    }

    @Test func textLinesKeepTheirFields() throws {
        let daemon = try Daemon()
        let answer = try daemon.request("GET", "/v1/modules/nope")
        let id = try #require(answer.header("X-Request-Id"))
        #expect(daemon.terminate() == 0)
        let line = try #require(daemon.log.split(separator: "\n").first { $0.contains("request_id=\(id)") })
        for field in ["info wasmhost.http :", "method=GET", "route=/v1/modules/{ref}", "status=404", "duration_us=", "] request"] {
            #expect(line.contains(field), "\(line)")
        }
        // 2026-11-29T20:01:56+0000: the local time, as before.
        #expect(line.prefix(19).filter { $0 == "-" || $0 == ":" || $0 == "T" }.count == 5, "\(line)")
    }
}
