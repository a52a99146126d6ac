import Foundation
import Glibc
import HTTPServer
import Synchronization

/// A small application: `/inline` answers on the event thread, `/deferred` from
/// another thread after 50 ms, `/slow` after 1 s, `/sync-deferred` defers but
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
        case "/deferred", "/slow":
            let delay = request.path == "/slow" ? 1.0 : 0.05
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

struct WireResponse {
    let status: Int
    let headers: [(String, String)]
    let body: [UInt8]

    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    var text: String { String(decoding: body, as: UTF8.self) }
}

struct ClientError: Error, CustomStringConvertible {
    let description: String
}

/// A raw HTTP/1.1 client over a POSIX socket, so tests control every byte.
final class RawClient {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: UInt16, timeoutSeconds: Int = 10) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ClientError(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw ClientError(description: "connect: errno \(errno)")
        }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw ClientError(description: "send: errno \(errno)") }
            sent += count
        }
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Reads more bytes; false at end of stream or on error/timeout.
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16384)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        buffer += chunk[..<count]
        return true
    }

    /// Reads one response framed by Content-Length.
    func readResponse() throws -> WireResponse {
        let separator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int?
        while headerEnd == nil {
            if let range = buffer.firstRange(of: separator) { headerEnd = range.upperBound } else if !fill() {
                throw ClientError(description: "connection ended before a response head")
            }
        }
        let end = headerEnd ?? 0
        let lines = String(decoding: buffer[..<(end - 4)], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = (lines.first ?? "").split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw ClientError(description: "bad status line \(lines.first ?? "")")
        }
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = Int(headers.first { $0.0.lowercased() == "content-length" }?.1 ?? "0") ?? 0
        while buffer.count < end + length {
            guard fill() else { throw ClientError(description: "connection ended inside a body") }
        }
        let body = Array(buffer[end..<(end + length)])
        buffer.removeFirst(end + length)
        return WireResponse(status: status, headers: headers, body: body)
    }

    /// True when the server closed the connection (end of stream or reset) before `seconds`.
    func waitForClose(seconds: Int) -> Bool {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        while true {
            var byte: UInt8 = 0
            let count = recv(fd, &byte, 1, 0)
            if count == 0 { return true }
            if count < 0 { return errno == ECONNRESET }
        }
    }
}

/// Monotonic seconds.
func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
