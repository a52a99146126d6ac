import Configuration
import Foundation
import HTTPServer
import PostgresStore
import Sandbox
import Service
import SystemPackage

/// A configuration value that cannot be used; the message names the key.
struct SettingsError: Error, CustomStringConvertible {
    let key: String
    let problem: String
    var description: String { "configuration error: \(key): \(problem)" }
}

/// Everything `wasmhost serve` reads from config/wasmhost.yaml, `WASMHOST_*`
/// environment variables and flags (flags win, then the environment, then the file).
struct Settings {
    var http = HTTPServerConfiguration()
    var service = ServiceConfiguration()
    var dataDirectory = "./data"
    var storeMaxBytes = 0
    /// `store.backend`: `directory` (embedded, the default) or `postgres` (shared by replicas).
    var storeBackend = "directory"
    /// `store.postgres.*`; set when the backend is `postgres`.
    var postgres: PostgresConfiguration?
    var logFormat = "text"
    var logLevel = "info"
    var shutdownGraceSeconds = 30

    /// Reads and validates every key.
    /// - Parameter overrides: values given as flags (`listen`, `data_dir`).
    static func load(configFile: String?, overrides: [AbsoluteConfigKey: ConfigValue]) async throws -> Settings {
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: overrides),
            EnvironmentVariablesProvider().prefixKeys(with: ["wasmhost"]),
        ]
        let path = configFile ?? "config/wasmhost.yaml"
        do {
            providers.append(try await FileProvider<YAMLSnapshot>(filePath: FilePath(path), allowMissing: configFile == nil))
        } catch {
            throw SettingsError(key: "--config", problem: "cannot read \(path): \(error)")
        }
        return try Settings(reader: ConfigReader(providers: providers))
    }

    init() {}

    init(reader config: ConfigReader) throws {
        let reader = KeyReader(config: config)
        // Every fallback is the configuration types' own default (ConfigurationKey.all lists them).
        let defaults = Settings()
        let limitsDefaults = defaults.service.sandbox.limits
        let listen = try reader.string("http.listen", default: "\(defaults.http.host):\(defaults.http.port)")
        (http.host, http.port) = try Self.parseListen(listen)
        http.eventThreads = try reader.int("http.event_threads", default: defaults.http.eventThreads, range: 1...64)
        http.threadStackBytes = try reader.int("http.thread_stack_bytes", default: defaults.http.threadStackBytes, range: (64 << 10)...(64 << 20))
        http.maxConnections = try reader.int("http.max_connections", default: defaults.http.maxConnections, range: 1...1_000_000)
        http.idleTimeoutSeconds = try reader.int("http.idle_timeout_seconds", default: defaults.http.idleTimeoutSeconds, range: 1...3600)
        http.requestTimeoutSeconds = try reader.int("http.request_timeout_seconds", default: defaults.http.requestTimeoutSeconds, range: 1...3600)

        dataDirectory = try reader.string("store.data_dir", default: defaults.dataDirectory)
        storeMaxBytes = try reader.int("store.max_bytes", default: defaults.storeMaxBytes, range: 0...Int.max)
        storeBackend = try reader.string("store.backend", default: defaults.storeBackend, allowed: ["directory", "postgres"])
        if storeBackend == "postgres" { postgres = try Self.postgres(reader, maxTotalBytes: storeMaxBytes) }

        var limits = Limits()
        service.maxModuleBytes = try reader.int("limits.max_module_bytes", default: defaults.service.maxModuleBytes, range: 1...(1 << 30))
        service.maxRequestBytes = try reader.int("limits.max_request_bytes", default: defaults.service.maxRequestBytes, range: 1...(1 << 30))
        service.maxConcurrent = try reader.int("limits.max_concurrent", default: defaults.service.maxConcurrent, range: 1...1024)
        service.maxQueue = try reader.int("limits.max_queue", default: defaults.service.maxQueue, range: 0...100_000)
        limits.fuel = UInt64(try reader.int("limits.fuel", default: Int(clamping: limitsDefaults.fuel), range: 1...Int.max))
        limits.timeoutMilliseconds = try reader.int("limits.timeout_ms", default: limitsDefaults.timeoutMilliseconds, range: 1...3_600_000)
        limits.maxMemoryBytes = try reader.int("limits.max_memory_bytes", default: limitsDefaults.maxMemoryBytes, range: 65536...(4 << 30))
        limits.maxTableElements = try reader.int("limits.max_table_elements", default: limitsDefaults.maxTableElements, range: 1...10_000_000)
        limits.maxOutputBytes = try reader.int("limits.max_output_bytes", default: limitsDefaults.maxOutputBytes, range: 0...(256 << 20))
        limits.maxReentrancyDepth = try reader.int("limits.max_reentrancy_depth", default: limitsDefaults.maxReentrancyDepth, range: 1...100_000)
        service.sandbox.limits = limits
        let engine = try reader.string(
            "sandbox.engine", default: SandboxEngine.default.rawValue, allowed: SandboxEngine.available.map(\.rawValue))
        service.sandbox.engine = SandboxEngine(rawValue: engine) ?? .default
        service.sandbox.maxWasmStackBytes = try reader.int(
            "sandbox.max_wasm_stack_bytes", default: defaults.service.sandbox.maxWasmStackBytes, range: (64 << 10)...SandboxConfiguration.maxWasmStackCeiling)
        service.sandbox.instanceSlots = try reader.int("sandbox.instance_slots", default: defaults.service.sandbox.instanceSlots, range: 1...100_000)
        // Compiled Wasmtime code is kept beside the modules (StartupScan reads only *.wasm).
        service.sandbox.artifactDirectory = dataDirectory + "/artifacts"
        service.sandbox.workerStackBytes = try reader.int("sandbox.worker_stack_bytes", default: defaults.service.sandbox.workerStackBytes, range: (256 << 10)...(1 << 30))
        service.sandbox.interpreterStackBytes = try reader.int("sandbox.interpreter_stack_bytes", default: defaults.service.sandbox.interpreterStackBytes, range: (64 << 10)...(64 << 20))
        service.sandbox.recycleInstances = try reader.bool("sandbox.recycle_instances", default: defaults.service.sandbox.recycleInstances)
        service.sandbox.poolMaxIdle = try reader.int("sandbox.pool_max_idle", default: defaults.service.sandbox.poolMaxIdle, range: 0...1024)
        service.cacheMaxBytes = try reader.int("cache.max_bytes", default: defaults.service.cacheMaxBytes, range: 0...Int.max)
        if let problem = service.sandbox.stackBudgetProblem() {
            throw SettingsError(key: "limits.max_reentrancy_depth", problem: problem)
        }
        if let problem = service.sandbox.engineProblem() {
            throw SettingsError(key: "sandbox.engine", problem: problem)
        }

        // WASMHOST_TOKEN is the documented short form of WASMHOST_AUTH_TOKEN.
        let configured = try reader.optionalString("auth.token").flatMap { $0.isEmpty ? nil : $0 }
        let token = configured ?? ProcessInfo.processInfo.environment["WASMHOST_TOKEN"]
        service.authToken = (token?.isEmpty ?? true) ? nil : token
        logFormat = try reader.string("log.format", default: defaults.logFormat, allowed: ["text", "json"])
        logLevel = try reader.string("log.level", default: defaults.logLevel, allowed: ["trace", "debug", "info", "notice", "warning", "error", "critical"])
        shutdownGraceSeconds = try reader.int("shutdown.grace_seconds", default: defaults.shutdownGraceSeconds, range: 0...3600)
    }

    /// `store.postgres.*`; the URL (`WASMHOST_STORE_POSTGRES_URL`) is required and kept secret.
    static func postgres(_ reader: KeyReader, maxTotalBytes: Int) throws -> PostgresConfiguration {
        guard let url = try reader.optionalString("store.postgres.url"), !url.isEmpty else {
            throw SettingsError(
                key: "store.postgres.url",
                problem: "store.backend is postgres but no URL is set (e.g. WASMHOST_STORE_POSTGRES_URL=postgresql://user@host/db)")
        }
        var postgres = PostgresConfiguration(url: url)
        postgres.poolSize = try reader.int("store.postgres.pool_size", default: postgres.poolSize, range: 1...256)
        postgres.connectTimeoutSeconds = try reader.int(
            "store.postgres.connect_timeout_seconds", default: postgres.connectTimeoutSeconds, range: 1...60)
        postgres.statementTimeoutMilliseconds = try reader.int(
            "store.postgres.statement_timeout_ms", default: postgres.statementTimeoutMilliseconds, range: 100...600_000)
        postgres.poolWaitMilliseconds = try reader.int(
            "store.postgres.pool_wait_ms", default: postgres.poolWaitMilliseconds, range: 1...600_000)
        postgres.maxTotalBytes = maxTotalBytes
        return postgres
    }

    /// `HOST:PORT`, `[IPv6]:PORT`.
    static func parseListen(_ text: String) throws -> (String, UInt16) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            throw SettingsError(key: "http.listen", problem: "'\(text)' is not HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw SettingsError(key: "http.listen", problem: "'\(text)' has no host") }
        return (host, port)
    }
}

/// Typed reads that turn a bad value into a ``SettingsError`` naming the key.
struct KeyReader {
    let config: ConfigReader

    /// Every value is read as text (environment variables and flags are text, YAML
    /// scalars too) and parsed here, so a wrong value is an error, never a silent default.
    func int(_ key: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        let value: Int
        if let typed = config.int(forKey: ConfigKey(stringLiteral: key)) {
            value = typed
        } else {
            guard let text = try optionalString(key) else { return fallback }
            guard let parsed = Int(text.replacingOccurrences(of: "_", with: "")) else {
                throw SettingsError(key: key, problem: "'\(text)' is not an integer")
            }
            value = parsed
        }
        guard range.contains(value) else {
            throw SettingsError(key: key, problem: "\(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        if let typed = config.bool(forKey: ConfigKey(stringLiteral: key)) { return typed }
        guard let text = try optionalString(key) else { return fallback }
        switch text.lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: throw SettingsError(key: key, problem: "'\(text)' is not true or false")
        }
    }

    func string(_ key: String, default fallback: String, allowed: [String]? = nil) throws -> String {
        let value = try optionalString(key) ?? fallback
        if let allowed, !allowed.contains(value) {
            throw SettingsError(key: key, problem: "'\(value)' is not one of \(allowed.joined(separator: ", "))")
        }
        return value
    }

    func optionalString(_ key: String) throws -> String? {
        config.string(forKey: ConfigKey(stringLiteral: key), isSecret: key == "auth.token" || key == "store.postgres.url")
    }
}
