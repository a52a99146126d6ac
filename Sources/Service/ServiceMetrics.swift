import Metrics
import Sandbox

/// Metric names and labels, in one place. Labels come from bounded sets only:
/// route templates, methods, statuses, outcomes, reasons; never ids or raw paths.
enum ServiceMetrics {
    /// The label set of one request count.
    struct RequestLabels: Hashable, Sendable {
        let route: String
        let method: String
        let status: Int
    }

    private static let requests = MetricHandles { (labels: RequestLabels) in
        Counter(label: "wasmhost_http_requests_total",
                dimensions: [("route", labels.route), ("method", labels.method), ("status", String(labels.status))])
    }
    private static let durations = MetricHandles { (outcome: String) in
        Timer(label: "wasmhost_invocation_duration_seconds", dimensions: [("outcome", outcome)])
    }
    private static let loops = MetricHandles { (reason: String) in
        Counter(label: "wasmhost_reentrancy_loops_total", dimensions: [("reason", reason)])
    }
    private static let traps = MetricHandles { (kind: String) in
        Counter(label: "wasmhost_traps_total", dimensions: [("kind", kind)])
    }
    private static let fuelUsed = Counter(label: "wasmhost_fuel_used_total")
    private static let crossings = Counter(label: "wasmhost_host_crossings_total")

    /// Methods a client may send are unbounded (any token); the label is not.
    static func methodLabel(_ method: String) -> String {
        switch method {
        case "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS": method
        default: "other"
        }
    }

    static func request(route: String, method: String, status: Int) {
        requests[RequestLabels(route: route, method: method, status: status)].increment()
    }

    static func invocation(outcome: String, microseconds: Int, fuelUsed: UInt64, crossings: Int) {
        durations[outcome].recordMicroseconds(microseconds)
        Self.fuelUsed.increment(by: Int64(clamping: fuelUsed))
        if crossings > 0 { Self.crossings.increment(by: crossings) }
    }

    static func reentrancyLoop(reason: LoopReason) {
        loops[reason.rawValue].increment()
    }

    static func trap(kind: String) {
        traps[kind].increment()
    }

    /// Gauges read from their owners just before a scrape.
    static func refresh(
        modules: Int, storedBytes: Int, cache: ModuleCacheStatistics, running: Int, queued: Int, storeReachable: Bool
    ) {
        Gauge(label: "wasmhost_modules_stored").record(modules)
        Gauge(label: "wasmhost_modules_stored_bytes").record(storedBytes)
        Gauge(label: "wasmhost_module_cache_bytes").record(cache.bytes)
        Gauge(label: "wasmhost_module_cache_entries").record(cache.entries)
        Gauge(label: "wasmhost_invocations_running").record(running)
        Gauge(label: "wasmhost_admission_queue_depth").record(queued)
        Gauge(label: "wasmhost_store_reachable").record(storeReachable ? 1 : 0)
    }

    /// The outcome label of an invocation error.
    static func outcome(of error: SandboxError) -> String {
        switch error {
        case .trap: "trap"
        case .fuelExhausted: "fuel_exhausted"
        case .timeout: "timeout"
        case .reentrancyLoop: "reentrancy_loop"
        case .overloaded: "overloaded"
        case .limitExceeded: "limit_exceeded"
        default: "error"
        }
    }
}
