import Foundation
import HTTPServer
import PostgresStore
import Sandbox
import Service

/// One configuration key: its dotted name, its default and what it sets.
struct ConfigurationKey: Sendable {
    /// The dotted name (`limits.fuel`; environment: `WASMHOST_LIMITS_FUEL`).
    let name: String
    /// The default as config/wasmhost.yaml writes it; `nil` when the key is
    /// unset by default (the file shows it commented out).
    let value: String?
    /// What an unset key means (`half the cores`), for keys without a fixed default.
    let unset: String?
    /// One line on what it sets.
    let doc: String

    init(_ name: String, _ value: String, _ doc: String) {
        self.name = name
        self.value = value
        self.unset = nil
        self.doc = doc
    }

    init(_ name: String, unset: String, _ doc: String) {
        self.name = name
        self.value = nil
        self.unset = unset
        self.doc = doc
    }

    /// The default as the README's table shows it.
    var readmeDefault: String {
        guard let value else { return unset ?? "" }
        let bare = value.trimmingCharacters(in: ["\""])
        return bare.isEmpty ? "none" : "`\(bare)`"
    }
}

extension ConfigurationKey {
    /// Every key `wasmhost serve` reads, in the order of config/wasmhost.yaml.
    ///
    /// The defaults come from the configuration types' initialisers (through
    /// ``Settings/init()``), which ``Settings/init(reader:)`` also falls back
    /// to: each default is written once. A test holds config/wasmhost.yaml and
    /// the README's table to this list.
    static var all: [ConfigurationKey] {
        let defaults = Settings()
        let http = defaults.http
        let service = defaults.service
        let sandbox = service.sandbox
        let limits = sandbox.limits
        let postgres = PostgresConfiguration(url: "")
        return [
            .init("http.listen", "\"\(http.host):\(http.port)\"", "Listen address, HOST:PORT (IPv6 as `[::1]:8080`); flag `--listen`"),
            .init("http.event_threads", unset: "half the cores, at least 1", "libmicrohttpd event threads"),
            .init("http.thread_stack_bytes", "\(http.threadStackBytes)", "Native stack of each event thread"),
            .init("http.max_connections", "\(http.maxConnections)", "Open connections at most"),
            .init("http.idle_timeout_seconds", "\(http.idleTimeoutSeconds)", "An idle connection is closed after this"),
            .init("http.request_timeout_seconds", "\(http.requestTimeoutSeconds)", "A request not complete after this is cut off"),
            .init("store.data_dir", "\"\(defaults.dataDirectory)\"", "Module store directory; flag `--data-dir`"),
            .init("store.max_bytes", "\(defaults.storeMaxBytes)", "Store quota in bytes; 0: none"),
            .init("store.backend", defaults.storeBackend, "`directory` (embedded) or `postgres` (shared by replicas)"),
            .init("store.postgres.url", unset: "none (required with `postgres`)", "libpq connection string; a secret"),
            .init("store.postgres.pool_size", "\(postgres.poolSize)", "Connections per replica"),
            .init("store.postgres.connect_timeout_seconds", "\(postgres.connectTimeoutSeconds)", "Past this the registry is unreachable"),
            .init("store.postgres.statement_timeout_ms", "\(postgres.statementTimeoutMilliseconds)", "Longer statements are cancelled"),
            .init("store.postgres.pool_wait_ms", "\(postgres.poolWaitMilliseconds)", "Wait for a free pooled connection"),
            .init("limits.max_module_bytes", "\(service.maxModuleBytes)", "Largest module upload (413 past it)"),
            .init("limits.max_request_bytes", "\(service.maxRequestBytes)", "Largest invoke request body"),
            .init("limits.max_concurrent", unset: "the number of cores", "Invocations running at once (worker threads)"),
            .init("limits.max_queue", "\(service.maxQueue)", "Invocations waiting for a worker; beyond, 503 overloaded"),
            .init("limits.fuel", "\(limits.fuel)", "Fuel per invocation; a request may ask for less"),
            .init("limits.timeout_ms", "\(limits.timeoutMilliseconds)", "Deadline per invocation; a request may ask for less"),
            .init("limits.max_memory_bytes", "\(limits.maxMemoryBytes)", "Largest linear memory per instance"),
            .init("limits.max_table_elements", "\(limits.maxTableElements)", "Largest table per instance"),
            .init("limits.max_output_bytes", "\(limits.maxOutputBytes)", "Cap of each captured stream"),
            .init("limits.max_reentrancy_depth", "\(limits.maxReentrancyDepth)", "Deepest chain of guest entries, root counted"),
            .init("sandbox.engine", unset: "`wasmtime` (`wasmkit` in a build without it)", "`wasmtime` or `wasmkit`; flag `--engine`"),
            .init("sandbox.max_wasm_stack_bytes", "\(sandbox.maxWasmStackBytes)", "Wasmtime: stack of one store's guest frames"),
            .init("sandbox.instance_slots", "\(sandbox.instanceSlots)", "Wasmtime: pooling-allocator slots"),
            .init("sandbox.worker_stack_bytes", "\(sandbox.workerStackBytes)", "Native stack of each worker thread"),
            .init("sandbox.interpreter_stack_bytes", "\(sandbox.interpreterStackBytes)", "WasmKit interpreter stack per guest entry"),
            .init("sandbox.recycle_instances", "\(sandbox.recycleInstances)", "Reuse instances, reset to their initial state"),
            .init("sandbox.pool_max_idle", "\(sandbox.poolMaxIdle)", "Idle instances kept per module"),
            .init("cache.max_bytes", "\(service.cacheMaxBytes)", "Byte budget of the compiled-module cache"),
            .init("auth.token", "\"\(service.authToken ?? "")\"", "Bearer token required on /v1 when set (or `WASMHOST_TOKEN`)"),
            .init("log.format", defaults.logFormat, "`text` or `json`, on stderr"),
            .init("log.level", defaults.logLevel, "trace, debug, info, notice, warning, error, critical"),
            .init("shutdown.grace_seconds", "\(defaults.shutdownGraceSeconds)", "Running invocations may finish for this long on SIGTERM"),
        ]
    }

    /// The README's table of keys, as markdown (the test prints it when the README differs).
    static var readmeTable: String {
        (["| key | default | what it sets |", "|---|---|---|"] + all.map { "| `\($0.name)` | \($0.readmeDefault) | \($0.doc) |" })
            .joined(separator: "\n")
    }
}
