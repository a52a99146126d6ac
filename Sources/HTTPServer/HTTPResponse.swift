/// An HTTP response produced by a handler.
public struct HTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Headers to send, in order. `Content-Length` is added by the server.
    public var headers: [(name: String, value: String)]
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
