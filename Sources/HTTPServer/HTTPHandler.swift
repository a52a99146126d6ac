/// What a handler does with a complete request.
public enum HTTPHandling: Sendable {
    /// Answer now, on the HTTP event thread. Only for work that takes microseconds.
    case respond(HTTPResponse)
    /// Answer later: the server suspends the connection, runs `work` right away on the
    /// event thread, and resumes the connection when `work` calls its completion
    /// (from any thread, exactly once). `work` must hand anything slow to another thread.
    case deferred(@Sendable (_ complete: @escaping @Sendable (HTTPResponse) -> Void) -> Void)
}

/// Protocol-level failures the server detects before a handler sees the request.
public enum HTTPServerError: Error, Sendable, Equatable {
    /// The body is longer than the route's limit (in bytes).
    case bodyTooLarge(limit: Int)
    /// Two `Content-Length` headers with different values.
    case conflictingContentLength
    /// `Content-Length` together with `Transfer-Encoding`: a request-smuggling risk.
    case lengthWithTransferEncoding
    /// The server is stopping: work that would have been deferred is refused, and a
    /// deferred request still unanswered when the server stops gets this answer.
    case shuttingDown
}

/// The application behind the server.
public protocol HTTPHandler: Sendable {
    /// The largest body accepted for a request to `path` with `method`.
    func bodyLimit(method: String, path: String) -> Int
    /// Handles a complete request.
    func handle(_ request: HTTPRequest) -> HTTPHandling
    /// The response for a protocol-level failure.
    func response(for error: HTTPServerError) -> HTTPResponse
}
