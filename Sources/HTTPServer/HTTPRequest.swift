/// A complete HTTP request as the server hands it to a handler.
///
/// The path and query are exactly as the client sent them (not percent-decoded),
/// so that routing can decode each segment on its own.
public struct HTTPRequest: Sendable {
    /// The request method, e.g. `GET`.
    public var method: String
    /// The raw path, without the query string.
    public var path: String
    /// Raw query parameters in the order sent (names and values still percent-encoded).
    public var query: [(name: String, value: String)]
    /// Request headers; names are lowercased.
    public var headers: [(name: String, value: String)]
    /// The accumulated body.
    public var body: [UInt8]

    /// Creates a request value; used by the server and by tests that need no socket.
    public init(
        method: String, path: String, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [], body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The first value of the header `name` (case-insensitive), if any.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name == lowered }?.value
    }
}
