/// How a replica reaches the shared registry (`store.postgres.*`).
public struct PostgresConfiguration: Sendable {
    /// A libpq connection string or URI (`store.postgres.url`).
    public var url: String
    /// Connections each replica keeps for uploads, deletes and reads-through.
    public var poolSize = 4
    /// How long a connection attempt may take before the registry counts as unreachable.
    public var connectTimeoutSeconds = 2
    /// The server cancels any statement running longer than this.
    public var statementTimeoutMilliseconds = 5000
    /// How long a request waits for a free pooled connection.
    public var poolWaitMilliseconds = 2000
    /// Store quota in bytes over all modules; 0 means none.
    public var maxTotalBytes = 0

    /// Creates a configuration for `url` with the documented defaults.
    public init(url: String) {
        self.url = url
    }
}
