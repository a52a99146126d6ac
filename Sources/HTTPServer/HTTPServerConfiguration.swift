import Glibc

/// How the server listens and protects itself.
public struct HTTPServerConfiguration: Sendable {
    /// The address to bind, IPv4 (`127.0.0.1`) or IPv6 (`::1`, `::`).
    public var host: String
    /// The port to bind; 0 picks an ephemeral port (see ``HTTPServer/port``).
    public var port: UInt16
    /// Event threads, each running its own epoll loop.
    public var eventThreads: Int
    /// Stack size of the event threads, in bytes. Always set: the default follows `ulimit -s`.
    public var threadStackBytes: Int
    /// Open connections beyond this are closed as soon as they are accepted.
    public var maxConnections: Int
    /// A connection idle for this long is closed (libmicrohttpd's own timeout).
    public var idleTimeoutSeconds: Int
    /// A request whose headers and body have not fully arrived this long after
    /// it started is cut off, however steadily it trickles in.
    public var requestTimeoutSeconds: Int
    /// The most memory libmicrohttpd may use per connection for headers.
    public var connectionMemoryLimit: Int

    /// Half the cores, at least one: inline calls and parsing need few threads,
    /// and on a small machine more event threads than that only contend with each
    /// other and the workers (2 cores, invoke add at 32 connections: same
    /// requests/s with 1 or 2, p99/p50 about 1.5 with 1 against up to 8 with 2;
    /// BENCHMARKS.md).
    public static var defaultEventThreads: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) / 2) }

    /// Creates a configuration; every value has a safe default.
    public init(
        host: String = "127.0.0.1", port: UInt16 = 8080, eventThreads: Int = HTTPServerConfiguration.defaultEventThreads,
        threadStackBytes: Int = 1 << 20, maxConnections: Int = 16384,
        idleTimeoutSeconds: Int = 30, requestTimeoutSeconds: Int = 30,
        connectionMemoryLimit: Int = 32 * 1024
    ) {
        self.host = host
        self.port = port
        self.eventThreads = eventThreads
        self.threadStackBytes = threadStackBytes
        self.maxConnections = maxConnections
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.connectionMemoryLimit = connectionMemoryLimit
    }
}
