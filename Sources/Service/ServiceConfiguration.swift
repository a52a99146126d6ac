import Glibc
import Sandbox

/// Settings of the API layer.
public struct ServiceConfiguration: Sendable {
    /// Largest module upload in bytes (`limits.max_module_bytes`).
    public var maxModuleBytes: Int
    /// Largest invoke body in bytes (`limits.max_request_bytes`).
    public var maxRequestBytes: Int
    /// Invocations running at once (`limits.max_concurrent`).
    public var maxConcurrent: Int
    /// Invocations waiting for a worker (`limits.max_queue`).
    public var maxQueue: Int
    /// Bearer token for `/v1`, or `nil` for no auth.
    public var authToken: String?
    /// Byte budget of the compiled-module cache (`cache.max_bytes`).
    public var cacheMaxBytes: Int
    /// Sandbox settings.
    public var sandbox: SandboxConfiguration

    /// One worker per core.
    public static var defaultMaxConcurrent: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Creates a configuration with the documented defaults.
    public init(
        maxModuleBytes: Int = 32 << 20, maxRequestBytes: Int = 8 << 20,
        maxConcurrent: Int = ServiceConfiguration.defaultMaxConcurrent, maxQueue: Int = 64, authToken: String? = nil,
        cacheMaxBytes: Int = 256 << 20, sandbox: SandboxConfiguration = .init()
    ) {
        self.maxModuleBytes = maxModuleBytes
        self.maxRequestBytes = maxRequestBytes
        self.maxConcurrent = maxConcurrent
        self.maxQueue = maxQueue
        self.authToken = authToken
        self.cacheMaxBytes = cacheMaxBytes
        self.sandbox = sandbox
    }
}
