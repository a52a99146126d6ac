import TestSupport
import Foundation
import Glibc
import Testing
@testable import HTTPServer

/// The libmicrohttpd server over real loopback sockets.
@Suite(.timeLimit(.minutes(3)))
struct HTTPServerTests {
    static func get(_ path: String, host: String = "x") -> String {
        "GET \(path) HTTP/1.1\r\nHost: \(host)\r\n\r\n"
    }

    @Test func anInlineRouteAnswersWithHeadersAndBody() throws {
        let running = try RunningServer()
        defer { running.stop() }
        #expect(running.port != 0)
        let client = try RawHTTP(port: running.port)
        try client.send(Self.get("/inline"))
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.header("X-Kind") == "inline")
        #expect(response.header("Content-Length") == String(response.body.count))
        #expect(response.text == "GET /inline 0 \(checksum([]))")
    }

    @Test func oneConnectionCarriesSeveralRequests() throws {
        let running = try RunningServer()
        defer { running.stop() }
        let client = try RawHTTP(port: running.port)
        for index in 0..<3 {
            try client.send(Self.get("/inline/\(index)"))
            #expect(try client.readResponse().text.hasPrefix("GET /inline/\(index) "))
        }
        try client.send(Self.get("/deferred") + Self.get("/inline/pipelined"))
        #expect(try client.readResponse().status == 202)
        #expect(try client.readResponse().text.hasPrefix("GET /inline/pipelined "))
    }

    @Test func theRequestKeepsTheRawPathQueryAndLowercasedHeaders() throws {
        let running = try RunningServer()
        defer { running.stop() }
        let client = try RawHTTP(port: running.port)
        try client.send("GET /v1/modules/a%2Fb/invoke/%C3%A9?name=x%20y&flag HTTP/1.1\r\nHost: x\r\nX-Custom-Header: Value\r\n\r\n")
        _ = try client.readResponse()
        let request = try #require(running.handler.requests.withLock { $0.last })
        #expect(request.path == "/v1/modules/a%2Fb/invoke/%C3%A9")
        #expect(request.query.map(\.name) == ["name", "flag"])
        #expect(request.query.first?.value == "x%20y")
        #expect(request.header("X-CUSTOM-HEADER") == "Value")
        #expect(request.headers.allSatisfy { $0.name == $0.name.lowercased() })
    }

    @Test func aBodySentInPiecesArrivesWhole() throws {
        let running = try RunningServer()
        defer { running.stop() }
        let body = (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let client = try RawHTTP(port: running.port)
        try client.send("POST /inline HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.count)\r\n\r\n")
        for piece in stride(from: 0, to: body.count, by: 1000) {
            Thread.sleep(forTimeInterval: 0.03)
            try client.send(Array(body[piece..<min(piece + 1000, body.count)]))
        }
        let response = try client.readResponse()
        #expect(response.text == "POST /inline 3000 \(checksum(body))")
    }

    @Test func aChunkedBodyIsAccumulatedToo() throws {
        let running = try RunningServer()
        defer { running.stop() }
        let client = try RawHTTP(port: running.port)
        try client.send("POST /inline HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
        Thread.sleep(forTimeInterval: 0.03)
        try client.send("6\r\n world\r\n0\r\n\r\n")
        #expect(try client.readResponse().text == "POST /inline 11 \(checksum(Array("hello world".utf8)))")
    }

    @Test func aContentLengthOverTheLimitIs413WithoutSendingTheBody() throws {
        let running = try RunningServer(handler: TestHandler(limit: 100))
        defer { running.stop() }
        let client = try RawHTTP(port: running.port, timeoutSeconds: 5)
        try client.send("POST /inline HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 413)
        #expect(response.header("X-Failure") == "too-large-100")
        #expect(running.handler.requests.withLock { $0.isEmpty }, "the handler never saw it")
    }

    @Test func aChunkedBodyOverTheLimitIs413() throws {
        let running = try RunningServer(handler: TestHandler(limit: 8))
        defer { running.stop() }
        let client = try RawHTTP(port: running.port, timeoutSeconds: 5)
        try client.send("POST /inline HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n")
        #expect(try client.readResponse().status == 413)
        #expect(running.handler.requests.withLock { $0.isEmpty })
    }

    @Test func conflictingContentLengthsGetTheHandlersAnswer() throws {
        let running = try RunningServer()
        defer { running.stop() }
        let client = try RawHTTP(port: running.port, timeoutSeconds: 5)
        try client.send("POST /inline HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde")
        let response = try client.readResponse()
        #expect(response.status == 400)
        #expect(response.header("X-Failure") == "conflicting-length")
        #expect(running.handler.requests.withLock { $0.isEmpty })
    }

    @Test func repeatedEqualContentLengthsAreAccepted() throws {
        let running = try RunningServer()
        defer { running.stop() }
        let client = try RawHTTP(port: running.port, timeoutSeconds: 5)
        try client.send("POST /inline HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc")
        #expect(try client.readResponse().text == "POST /inline 3 \(checksum(Array("abc".utf8)))")
    }

    @Test func contentLengthWithTransferEncodingIsRefused() throws {
        let running = try RunningServer()
        defer { running.stop() }
        let client = try RawHTTP(port: running.port, timeoutSeconds: 5)
        try client.send("POST /inline HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 400)
        #expect(response.header("X-Failure") == "length-and-encoding")
        #expect(running.handler.requests.withLock { $0.isEmpty })
    }

    @Test func aDeferredAnswerArrivesFromAnotherThread() throws {
        let running = try RunningServer()
        defer { running.stop() }
        let client = try RawHTTP(port: running.port)
        let started = now()
        try client.send("POST /deferred HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
        let response = try client.readResponse()
        #expect(response.status == 202)
        #expect(response.header("X-Kind") == "deferred")
        #expect(response.text == "POST /deferred 2 \(checksum(Array("hi".utf8)))")
        #expect(now() - started >= 0.045)
    }

    @Test func aDeferredAnswerGivenBeforeWorkReturnsIsSent() throws {
        let running = try RunningServer()
        defer { running.stop() }
        let client = try RawHTTP(port: running.port, timeoutSeconds: 5)
        for _ in 0..<3 {
            try client.send(Self.get("/sync-deferred"))
            #expect(try client.readResponse().status == 503)
        }
    }

    @Test func aRequestStillBeingHandledIsNotCutByTheRequestTimeout() throws {
        let running = try RunningServer(requestTimeoutSeconds: 1)
        defer { running.stop() }
        let client = try RawHTTP(port: running.port, timeoutSeconds: 10)
        // Answered 2.5 s after it arrived: past the 1 s timeout plus two of the
        // watch's 250 ms rounds, so a watch that cut handled requests would have.
        let started = now()
        try client.send("POST /slower HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx")
        #expect(try client.readResponse().status == 202)
        #expect(now() - started >= 2.4)
    }

    @Test func aBodyExactlyAtTheLimitIsAccepted() throws {
        let running = try RunningServer(handler: TestHandler(limit: 10))
        defer { running.stop() }
        let client = try RawHTTP(port: running.port)
        try client.send("POST /inline HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789")
        #expect(try client.readResponse().status == 200)
    }

    @Test func aDeferredRequestDoesNotBlockAnInlineOneOnAnotherConnection() throws {
        let running = try RunningServer(eventThreads: 1)
        defer { running.stop() }
        let slow = try RawHTTP(port: running.port)
        try slow.send(Self.get("/slow"))
        Thread.sleep(forTimeInterval: 0.1)
        let fast = try RawHTTP(port: running.port)
        let started = now()
        try fast.send(Self.get("/inline"))
        #expect(try fast.readResponse().status == 200)
        #expect(now() - started < 0.5, "answered while /slow was still pending")
        #expect(try slow.readResponse().status == 202)
    }

    @Test func aClientTricklingHeaderBytesIsCutOffByTheRequestTimeout() throws {
        let running = try RunningServer(requestTimeoutSeconds: 1)
        defer { running.stop() }
        let client = try RawHTTP(port: running.port)
        let started = now()
        try client.send("GET /inline HTTP/1.1\r\nHost: x\r\n")
        var cut = false
        for index in 0..<40 {
            Thread.sleep(forTimeInterval: 0.1)
            do { try client.send("X-Slow-\(index): 1\r\n") } catch { cut = true; break }
            if now() - started > 4 { break }
        }
        if !cut { cut = client.isClosedByPeer(seconds: 3) }
        #expect(cut)
        #expect(now() - started < 3.5, "closed within about 3 s")
        #expect(running.handler.requests.withLock { $0.isEmpty })
    }

    @Test func anIdleKeptAliveConnectionIsNotCutByTheRequestTimeout() throws {
        let running = try RunningServer(requestTimeoutSeconds: 1)
        defer { running.stop() }
        let client = try RawHTTP(port: running.port)
        try client.send(Self.get("/deferred"))
        #expect(try client.readResponse().status == 202)
        try client.send(Self.get("/inline"))
        #expect(try client.readResponse().status == 200)
    }

    @Test func stopReturnsAndTheServerNoLongerListens() throws {
        let running = try RunningServer()
        let port = running.port
        let client = try RawHTTP(port: port)
        try client.send(Self.get("/inline"))
        _ = try client.readResponse()
        let started = now()
        running.stop()
        #expect(now() - started < 5)
        #expect(throws: TestFailure.self) { try RawHTTP(port: port) }
        running.stop()
    }

    @Test func startRefusesANonNumericHostAndABusyPort() throws {
        let named = HTTPServer(configuration: HTTPServerConfiguration(host: "localhost", port: 0), handler: TestHandler())
        #expect(throws: HTTPServerStartError.self) { try named.start() }
        let running = try RunningServer()
        defer { running.stop() }
        let second = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: running.port), handler: TestHandler())
        let error = #expect(throws: HTTPServerStartError.self) { try second.start() }
        #expect(error?.description.contains("127.0.0.1:\(running.port)") == true)
    }

    @Test(arguments: ["::1", "[::1]"])
    func itListensOnIPv6Loopback(host: String) throws {
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: host, port: 0), handler: TestHandler())
        try server.start()
        defer { server.stop() }
        #expect(server.port != 0)
    }
}
