import Glibc
import Synchronization

/// Per-connection clock, stored as libmicrohttpd's socket context.
final class ConnectionClock: Sendable {
    /// Socket descriptor of the connection.
    let fd: Int32
    /// Milliseconds (monotonic) when the current request began arriving, or
    /// `-1` while a complete request is being processed.
    let receivingSince: Atomic<Int64>

    init(fd: Int32, now: Int64) {
        self.fd = fd
        self.receivingSince = Atomic(now)
    }
}

/// Cuts off requests that trickle in for longer than the request timeout.
///
/// libmicrohttpd's own timeout counts idle time only, so a client that sends one
/// header byte per second keeps its connection (and its memory) forever. This
/// watch records when each request began, and a background thread shuts down the
/// socket of any request still arriving past the deadline; libmicrohttpd then sees
/// the end of the stream and closes the connection through its normal path.
final class ConnectionWatch: @unchecked Sendable {
    // Safety: `connections` is guarded by its mutex; the watcher thread handle is
    // written once in `start` and read in `stop`, both on the owner's thread.
    private let connections = Mutex<[ObjectIdentifier: ConnectionClock]>([:])
    private let requestTimeoutMillis: Int64
    private let running = Atomic<Bool>(false)
    private var thread: pthread_t?

    init(requestTimeoutSeconds: Int) {
        requestTimeoutMillis = Int64(requestTimeoutSeconds) * 1000
    }

    static func nowMillis() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    func opened(_ clock: ConnectionClock) {
        connections.withLock { $0[ObjectIdentifier(clock)] = clock }
    }

    /// Called before libmicrohttpd closes the socket, so a shutdown under the same
    /// lock can never hit a descriptor that was already reused.
    func closed(_ clock: ConnectionClock) {
        _ = connections.withLock { $0.removeValue(forKey: ObjectIdentifier(clock)) }
    }

    func start() {
        running.store(true, ordering: .relaxed)
        let context = Unmanaged.passRetained(self).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, 256 * 1024)
        var handle = pthread_t()
        let rc = pthread_create(&handle, &attributes, { raw in
            guard let raw else { return nil }
            let watch = Unmanaged<ConnectionWatch>.fromOpaque(raw).takeRetainedValue()
            watch.loop()
            return nil
        }, context)
        pthread_attr_destroy(&attributes)
        if rc == 0 { thread = handle } else { Unmanaged<ConnectionWatch>.fromOpaque(context).release() }
    }

    func stop() {
        running.store(false, ordering: .relaxed)
        if let thread { pthread_join(thread, nil) }
        thread = nil
    }

    private func loop() {
        while running.load(ordering: .relaxed) {
            usleep(250_000)
            let now = Self.nowMillis()
            connections.withLock { table in
                for clock in table.values {
                    let since = clock.receivingSince.load(ordering: .relaxed)
                    if since >= 0 && now - since > requestTimeoutMillis {
                        shutdown(clock.fd, Int32(SHUT_RDWR))
                    }
                }
            }
        }
    }
}
