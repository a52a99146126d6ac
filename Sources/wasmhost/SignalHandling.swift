import Logging
import Service
import ServiceLifecycle
import UnixSignals

/// Signals other than SIGTERM/SIGINT (which the service group turns into a drain).
///
/// - SIGHUP reloads the configuration (file, environment, flags, read as at start)
///   and applies the keys that can change safely: `log.level`, `auth.token`,
///   `limits.fuel`, `limits.timeout_ms`, `limits.max_output_bytes`,
///   `limits.max_module_bytes`, `limits.max_request_bytes`. Each change is logged;
///   a changed key that needs a restart is logged as such and keeps its value. A
///   file that does not load is refused with a log line, and the settings in
///   force stay.
/// - SIGUSR1, SIGUSR2 and SIGALRM have no use here: they are ignored with a log
///   line instead of killing the process (their default action).
struct SignalHandling: ServiceLifecycle.Service {
    /// The signals, trapped before the server starts listening: one sent as soon
    /// as the port is known must not take the default action (termination).
    let signals: UnixSignalsSequence
    /// Reads the configuration again.
    let reload: @Sendable () async throws -> Settings
    let service: WasmhostService
    let current: Settings
    let logger: Logger

    static let ignored: [UnixSignal] = [.sigusr1, .sigusr2, .sigalrm]
    static let trapped: [UnixSignal] = [.sighup] + ignored

    func run() async throws {
        var inForce = current
        for await signal in signals.cancelOnGracefulShutdown() {
            if signal == .sighup {
                inForce = await reloaded(from: inForce)
            } else {
                logger.warning("signal ignored", metadata: ["signal": "\(signal)"])
            }
        }
    }

    /// Loads the configuration again and applies what can change safely.
    private func reloaded(from inForce: Settings) async -> Settings {
        let offered: Settings
        do {
            offered = try await reload()
        } catch {
            logger.error("SIGHUP: configuration refused; the settings in force stay", metadata: ["error": "\(error)"])
            return inForce
        }
        var next = inForce
        let changes = service.reload(offered.service)
        let applied = service.currentSettings
        next.service.authToken = applied.authToken
        next.service.sandbox.limits = applied.limits
        next.service.maxModuleBytes = applied.maxModuleBytes
        next.service.maxRequestBytes = applied.maxRequestBytes
        var changed = changes.map { "\($0.key): \($0.change)" }
        if offered.logLevel != inForce.logLevel {
            changed.append("log.level: \(inForce.logLevel) -> \(offered.logLevel)")
        }
        let needRestart = inForce.restartOnlyDifferences(from: offered)
        // Logged at the level in force until now, so that raising it still shows this line.
        logger.notice("SIGHUP: configuration reloaded", metadata: [
            "changed": .array(changed.map { .string($0) }),
            "needs_restart": .array(needRestart.map { .string($0) }),
        ])
        if offered.logLevel != inForce.logLevel {
            LogLevelControl.level = Logger.Level(rawValue: offered.logLevel) ?? LogLevelControl.level
            next.logLevel = offered.logLevel
        }
        return next
    }
}

extension Settings {
    /// Keys that differ in `other` and are read only at start-up.
    func restartOnlyDifferences(from other: Settings) -> [String] {
        var keys: [String] = []
        func check<T: Equatable>(_ key: String, _ mine: T, _ theirs: T) { if mine != theirs { keys.append(key) } }
        check("http.listen", "\(http.host):\(http.port)", "\(other.http.host):\(other.http.port)")
        check("http.event_threads", http.eventThreads, other.http.eventThreads)
        check("http.max_connections", http.maxConnections, other.http.maxConnections)
        check("store.data_dir", dataDirectory, other.dataDirectory)
        check("store.max_bytes", storeMaxBytes, other.storeMaxBytes)
        check("log.format", logFormat, other.logFormat)
        check("limits.max_concurrent", service.maxConcurrent, other.service.maxConcurrent)
        check("limits.max_queue", service.maxQueue, other.service.maxQueue)
        check("limits.max_memory_bytes", service.sandbox.limits.maxMemoryBytes, other.service.sandbox.limits.maxMemoryBytes)
        check("limits.max_table_elements", service.sandbox.limits.maxTableElements, other.service.sandbox.limits.maxTableElements)
        check("limits.max_reentrancy_depth", service.sandbox.limits.maxReentrancyDepth, other.service.sandbox.limits.maxReentrancyDepth)
        check("cache.max_bytes", service.cacheMaxBytes, other.service.cacheMaxBytes)
        check("shutdown.grace_seconds", shutdownGraceSeconds, other.shutdownGraceSeconds)
        return keys
    }
}
