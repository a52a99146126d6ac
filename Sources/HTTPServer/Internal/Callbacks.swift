import CMicroHTTPD
import Glibc

// The C entry points libmicrohttpd calls. Each one finds the server through the
// context pointer and the request through libmicrohttpd's per-request pointer.

/// The access handler: called once when headers are in, once per body piece,
/// once when the body is complete, and once more after a resume.
let accessHandler: MHD_AccessHandlerCallback = {
    context, connection, url, method, _, uploadData, uploadDataSize, requestPointer in
    guard let context, let connection, let requestPointer, let uploadDataSize else { return .NO }
    let server = Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue()

    guard let existing = requestPointer.pointee else {
        let state = server.begin(connection: connection, url: url, method: method)
        requestPointer.pointee = Unmanaged.passRetained(state).toOpaque()
        if let failure = state.failure {
            return queue(server.handler.response(for: failure), on: connection)
        }
        return .YES
    }
    let state = Unmanaged<RequestState>.fromOpaque(existing).takeUnretainedValue()

    if uploadDataSize.pointee > 0 {
        if let uploadData {
            state.append(UnsafeBufferPointer(
                start: UnsafeRawPointer(uploadData).assumingMemoryBound(to: UInt8.self),
                count: uploadDataSize.pointee))
        }
        // Past the limit the pieces are dropped as they arrive (never buffered);
        // libmicrohttpd cannot send an answer mid-body, so it goes out at the end,
        // and the request timeout bounds how long a client can keep sending.
        uploadDataSize.pointee = 0
        return .YES
    }
    return server.complete(state, connection: connection)
}

/// Completion: the response was sent or the connection died. Releases the request.
let requestCompleted: MHD_RequestCompletedCallback = { context, connection, requestPointer, _ in
    if let connection, let clock = clock(of: connection) {
        clock.receivingSince.store(ConnectionWatch.nowMillis(), ordering: .relaxed)
    }
    guard let requestPointer, let raw = requestPointer.pointee else { return }
    if let context {
        let server = Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue()
        server.suspended.settled(Unmanaged<RequestState>.fromOpaque(raw).takeUnretainedValue())
    }
    Unmanaged<RequestState>.fromOpaque(raw).release()
    requestPointer.pointee = nil
}

/// Connection start and close: keeps the slow-request watch up to date.
let connectionNotified: MHD_NotifyConnectionCallback = { context, connection, socketContext, code in
    guard let context, let connection, let socketContext else { return }
    let server = Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue()
    if code == .CONNECTION_NOTIFY_STARTED {
        let clock = ConnectionClock(fd: wh_connection_fd(connection), now: ConnectionWatch.nowMillis())
        socketContext.pointee = Unmanaged.passRetained(clock).toOpaque()
        server.watch.opened(clock)
    } else if let raw = socketContext.pointee {
        let clock = Unmanaged<ConnectionClock>.fromOpaque(raw).takeRetainedValue()
        server.watch.closed(clock)
        socketContext.pointee = nil
    }
}

func clock(of connection: OpaquePointer) -> ConnectionClock? {
    guard let raw = wh_connection_socket_context(connection) else { return nil }
    return Unmanaged<ConnectionClock>.fromOpaque(raw).takeUnretainedValue()
}

/// Sends `response` on `connection`; returns libmicrohttpd's verdict.
func queue(_ response: HTTPResponse, on connection: OpaquePointer) -> MHD_Result {
    let created = response.body.withUnsafeBytes { bytes in
        MHD_create_response_from_buffer(
            bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
    }
    guard let created else { return .NO }
    for header in response.headers {
        MHD_add_response_header(created, header.name, header.value)
    }
    let result = MHD_queue_response(connection, UInt32(response.status), created)
    MHD_destroy_response(created)
    return result
}

extension HTTPServer {
    /// First call for a request: records its line and headers and refuses
    /// framing that a proxy could read differently.
    func begin(connection: OpaquePointer, url: UnsafePointer<CChar>?, method: UnsafePointer<CChar>?) -> RequestState {
        let rawURL = url.map { String(cString: $0) } ?? "/"
        let methodName = method.map { String(cString: $0) } ?? ""
        let state = RequestState(
            method: methodName, path: rawURL,
            bodyLimit: handler.bodyLimit(method: methodName, path: rawURL))
        let collector = Unmanaged.passUnretained(state).toOpaque()
        MHD_get_connection_values(connection, .HEADER_KIND, { raw, _, key, value in
            guard let raw, let key else { return .YES }
            let state = Unmanaged<RequestState>.fromOpaque(raw).takeUnretainedValue()
            state.headers.append((String(cString: key).lowercased(), value.map { String(cString: $0) } ?? ""))
            return .YES
        }, collector)
        MHD_get_connection_values(connection, .GET_ARGUMENT_KIND, { raw, _, key, value in
            guard let raw, let key else { return .YES }
            let state = Unmanaged<RequestState>.fromOpaque(raw).takeUnretainedValue()
            state.query.append((String(cString: key), value.map { String(cString: $0) } ?? ""))
            return .YES
        }, collector)

        var allEqual: Int32 = 1
        let lengths = wh_header_count(connection, "Content-Length", &allEqual)
        if lengths > 1 && allEqual == 0 {
            state.failure = .conflictingContentLength
        } else if lengths > 0 && wh_header_count(connection, "Transfer-Encoding", &allEqual) > 0 {
            state.failure = .lengthWithTransferEncoding
        } else if let declared = state.headers.first(where: { $0.name == "content-length" }),
            let length = Int(declared.value), length > state.bodyLimit
        {
            // Refuse at once: never read a body that is announced as too large.
            state.failure = .bodyTooLarge(limit: state.bodyLimit)
        }
        if state.failure == nil { state.body.reserveCapacity(min(4096, state.bodyLimit)) }
        return state
    }

    /// The body is complete (or a suspended request was resumed): answer it.
    func complete(_ state: RequestState, connection: OpaquePointer) -> MHD_Result {
        if let failure = state.failure {
            return queue(handler.response(for: failure), on: connection)
        }
        if state.dispatched {
            guard let response = state.pendingResponse.withLock({ $0.take() }) else { return .YES }
            suspended.settled(state)
            return queue(response, on: connection)
        }
        state.dispatched = true
        clock(of: connection)?.receivingSince.store(-1, ordering: .relaxed)
        let request = HTTPRequest(
            method: state.method, path: state.path, query: state.query,
            headers: state.headers, body: state.body)
        state.body = []
        switch handler.handle(request) {
        case .respond(let response):
            return queue(response, on: connection)
        case .deferred(let work):
            guard suspended.suspend(connection, state: state) else {
                return queue(handler.response(for: .shuttingDown), on: connection)
            }
            // The table resumes the connection once, from the work or at shutdown;
            // it keeps `state` alive until then.
            work { [suspended] response in suspended.resume(state, with: response) }
            return .YES
        }
    }
}
