import Metrics

/// The Sandbox's counters, made once (on first use, after the executable has
/// bootstrapped the metrics system): making a counter per increment asks the
/// metrics factory every time, which costs more than the increment.
enum SandboxMetrics {
    static let poolHits = Counter(label: "wasmhost_instance_pool_hits_total")
    static let poolMisses = Counter(label: "wasmhost_instance_pool_misses_total")
    static let poolDiscards = Counter(label: "wasmhost_instance_pool_discards_total")
    static let cacheHits = Counter(label: "wasmhost_module_cache_hits_total")
    static let cacheMisses = Counter(label: "wasmhost_module_cache_misses_total")
}
