import CMicroHTTPD
import Glibc

/// Failures starting the server.
public enum HTTPServerStartError: Error, Sendable, CustomStringConvertible {
    /// The listen host is not a numeric IPv4 or IPv6 address.
    case invalidHost(String)
    /// libmicrohttpd could not start (port in use, no permission, ...).
    case cannotListen(host: String, port: UInt16)

    public var description: String {
        switch self {
        case .invalidHost(let host): "listen host '\(host)' is not a numeric IPv4 or IPv6 address"
        case .cannotListen(let host, let port): "cannot listen on \(host):\(port) (address in use or not permitted)"
        }
    }
}

/// The HTTP server: libmicrohttpd in epoll mode with a pool of event threads.
///
/// Short requests are answered on the event thread. A handler that needs longer
/// returns ``HTTPHandling/deferred(_:)``: the connection is suspended, so the
/// event thread goes on serving other connections (including `/healthz`) while
/// the work runs elsewhere.
public final class HTTPServer: @unchecked Sendable {
    // Safety: `daemon` and `address` are written in `start`/`stop` by the owner
    // only; libmicrohttpd's threads read `handler` and `watch`, which are immutable.
    let handler: any HTTPHandler
    let watch: ConnectionWatch
    let suspended = SuspendedConnections()
    private let configuration: HTTPServerConfiguration
    private var daemon: OpaquePointer?
    private var address: SocketAddress?

    /// The bound port, known once ``start()`` returned.
    public private(set) var port: UInt16 = 0

    /// Creates a server; nothing listens until ``start()``.
    public init(configuration: HTTPServerConfiguration, handler: any HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
        self.watch = ConnectionWatch(requestTimeoutSeconds: configuration.requestTimeoutSeconds)
    }

    /// Binds and starts the event threads.
    public func start() throws(HTTPServerStartError) {
        signal(SIGPIPE, SIG_IGN)
        Self.raiseOpenFileLimit(to: configuration.maxConnections + 256)
        guard let address = SocketAddress(host: configuration.host, port: configuration.port) else {
            throw .invalidHost(configuration.host)
        }
        self.address = address
        var flags = UInt32(MHD_USE_EPOLL_INTERNAL_THREAD.rawValue) | UInt32(MHD_ALLOW_SUSPEND_RESUME.rawValue)
        if address.isIPv6 { flags |= UInt32(MHD_USE_IPv6.rawValue) }
        let context = Unmanaged.passUnretained(self).toOpaque()
        let options: [MHD_OptionItem] = [
            item(.THREAD_POOL_SIZE, configuration.eventThreads),
            item(.THREAD_STACK_SIZE, configuration.threadStackBytes),
            item(.CONNECTION_LIMIT, configuration.maxConnections),
            item(.CONNECTION_TIMEOUT, configuration.idleTimeoutSeconds),
            item(.CONNECTION_MEMORY_LIMIT, configuration.connectionMemoryLimit),
            item(.LISTEN_BACKLOG_SIZE, 1024),
            MHD_OptionItem(option: .SOCK_ADDR, value: 0, ptr_value: UnsafeMutableRawPointer(address.storage)),
            wh_option_raw_urls(),
            wh_option_notify_completed(requestCompleted, context),
            wh_option_notify_connection(connectionNotified, context),
            item(.END, 0),
        ]
        // The listening socket never sets SO_REUSEPORT (MHD_OPTION_LISTENING_ADDRESS_REUSE
        // is left unset), so a second daemon cannot silently share the port.
        let started = options.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            guard let base = buffer.baseAddress else { return nil }
            return wh_start_daemon(flags, configuration.port, accessHandler, context, base)
        }
        guard let started else {
            address.release()
            self.address = nil
            throw .cannotListen(host: configuration.host, port: configuration.port)
        }
        daemon = started
        port = wh_daemon_bound_port(started)
        watch.start()
    }

    /// Deferred requests still waiting for their answer (an invocation or an upload
    /// running elsewhere), and those answered but not yet taken by an event thread.
    public var unansweredDeferred: Int { suspended.outstanding }

    /// What ``stop(settleTimeoutSeconds:)`` had to do.
    public struct StopReport: Sendable {
        /// Deferred requests answered with the handler's shutdown answer.
        public var answeredAtShutdown = 0
        /// False when an answered connection never reached its event thread in
        /// time: libmicrohttpd was then left running (it aborts the process when
        /// stopped with a suspended connection), and the process exit closes it.
        public var stoppedCleanly = true
    }

    /// Stops listening, closes every connection and joins the event threads.
    ///
    /// A deferred request still unanswered is answered first with the handler's
    /// ``HTTPServerError/shuttingDown`` response, and new deferrals are refused:
    /// libmicrohttpd must never be stopped with a suspended connection.
    @discardableResult
    public func stop(settleTimeoutSeconds: Double = 2) -> StopReport {
        guard let daemon else { return StopReport() }
        var report = StopReport()
        report.answeredAtShutdown = suspended.closeAll(with: handler.response(for: .shuttingDown))
        let settleBy = ConnectionWatch.nowMillis() + Int64(settleTimeoutSeconds * 1000)
        while suspended.outstanding > 0 && ConnectionWatch.nowMillis() < settleBy { usleep(2_000) }
        self.daemon = nil
        watch.stop()
        guard suspended.outstanding == 0 else {
            report.stoppedCleanly = false
            return report
        }
        MHD_stop_daemon(daemon)
        address?.release()
        address = nil
        return report
    }

    /// libmicrohttpd stops accepting at its connection limit, and past the
    /// process's open-file limit `accept` fails: either way new clients wait
    /// silently in the kernel's backlog. The soft limit is raised towards the
    /// hard one so that `http.max_connections` is what bounds connections.
    static func raiseOpenFileLimit(to wanted: Int) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < rlim_t(wanted) else { return }
        limit.rlim_cur = min(limit.rlim_max, rlim_t(wanted))
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    private func item(_ option: MHD_OPTION, _ value: Int) -> MHD_OptionItem {
        MHD_OptionItem(option: option, value: value, ptr_value: nil)
    }
}
