import Synchronization

/// Everything the server keeps for one request between libmicrohttpd's calls
/// to the access handler. Owned through libmicrohttpd's per-request pointer:
/// retained when the request starts, released in the completion callback.
final class RequestState: @unchecked Sendable {
    // Safety: every field except `pendingResponse` is touched only by the event
    // thread that runs this connection; libmicrohttpd never calls the handler for
    // one connection on two threads at once. `pendingResponse` crosses threads and
    // is guarded by its mutex.
    var method: String
    var path: String
    var query: [(name: String, value: String)] = []
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []
    let bodyLimit: Int
    var failure: HTTPServerError?
    var dispatched = false
    let pendingResponse = Mutex<HTTPResponse?>(nil)

    init(method: String, path: String, bodyLimit: Int) {
        self.method = method
        self.path = path
        self.bodyLimit = bodyLimit
    }

    /// Appends a piece of the body, or records that the limit was passed and
    /// drops everything (the excess is never buffered).
    func append(_ piece: UnsafeBufferPointer<UInt8>) {
        guard failure == nil else { return }
        if body.count + piece.count > bodyLimit {
            failure = .bodyTooLarge(limit: bodyLimit)
            body = []
            return
        }
        body.append(contentsOf: piece)
    }
}
