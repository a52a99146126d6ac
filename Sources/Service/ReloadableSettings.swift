import Sandbox

/// The settings a running service can take over without a restart (SIGHUP):
/// they are read per request and bind no pool, thread or file.
public struct ReloadableSettings: Sendable, Equatable {
    /// Bearer token for `/v1`, or `nil` for no auth (`auth.token`).
    public var authToken: String?
    /// Server-wide limits for invocations (`limits.fuel`, `limits.timeout_ms`, ...).
    public var limits: Limits
    /// Largest module upload in bytes (`limits.max_module_bytes`).
    public var maxModuleBytes: Int
    /// Largest invoke body in bytes (`limits.max_request_bytes`).
    public var maxRequestBytes: Int

    /// The reloadable part of `configuration`.
    public init(_ configuration: ServiceConfiguration) {
        authToken = configuration.authToken
        limits = configuration.sandbox.limits
        maxModuleBytes = configuration.maxModuleBytes
        maxRequestBytes = configuration.maxRequestBytes
    }

    /// The keys whose value differs in `other`, each with a printable change
    /// (the token's value is never shown).
    public func changes(to other: ReloadableSettings) -> [(key: String, change: String)] {
        var changes: [(String, String)] = []
        func compare<T: Equatable>(_ key: String, _ old: T, _ new: T) {
            if old != new { changes.append((key, "\(old) -> \(new)")) }
        }
        if authToken != other.authToken {
            changes.append(("auth.token", other.authToken == nil ? "removed" : (authToken == nil ? "set" : "changed")))
        }
        compare("limits.fuel", limits.fuel, other.limits.fuel)
        compare("limits.timeout_ms", limits.timeoutMilliseconds, other.limits.timeoutMilliseconds)
        compare("limits.max_output_bytes", limits.maxOutputBytes, other.limits.maxOutputBytes)
        compare("limits.max_module_bytes", maxModuleBytes, other.maxModuleBytes)
        compare("limits.max_request_bytes", maxRequestBytes, other.maxRequestBytes)
        return changes
    }

    /// `self` with the reloadable keys of `other`. Limits that compiled modules
    /// or running pools depend on (memory, tables, reentrancy depth) keep their
    /// value until a restart.
    func taking(_ other: ReloadableSettings) -> ReloadableSettings {
        var next = self
        next.authToken = other.authToken
        next.limits.fuel = other.limits.fuel
        next.limits.timeoutMilliseconds = other.limits.timeoutMilliseconds
        next.limits.maxOutputBytes = other.limits.maxOutputBytes
        next.maxModuleBytes = other.maxModuleBytes
        next.maxRequestBytes = other.maxRequestBytes
        return next
    }
}
