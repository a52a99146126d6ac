import ArgumentParser
import Configuration
import Foundation
import HTTPServer
import Logging
import Metrics
import ModuleStore
import PostgresStore
import Prometheus
import Service
import ServiceLifecycle
import UnixSignals

/// `wasmhost serve`: the daemon.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP daemon.",
        discussion: "Reads config/wasmhost.yaml (or --config), then WASMHOST_* environment variables, then flags.")

    @Option(help: "Listen address, HOST:PORT or [IPv6]:PORT (http.listen).")
    var listen: String?

    @Option(name: .customLong("data-dir"), help: "Module store directory (store.data_dir).")
    var dataDir: String?

    @Option(help: "Engine that runs guests: wasmtime or wasmkit (sandbox.engine).")
    var engine: String?

    @Option(help: "Configuration file (default: config/wasmhost.yaml when present).")
    var config: String?

    func run() async throws {
        var overrides: [AbsoluteConfigKey: ConfigValue] = [:]
        if let listen { overrides["http.listen"] = ConfigValue(.string(listen), isSecret: false) }
        if let dataDir { overrides["store.data_dir"] = ConfigValue(.string(dataDir), isSecret: false) }
        if let engine { overrides["sandbox.engine"] = ConfigValue(.string(engine), isSecret: false) }
        let settings: Settings
        do {
            settings = try await Settings.load(configFile: config, overrides: overrides)
        } catch {
            FileHandle.standardError.write(Data("wasmhost: \(error)\n".utf8))
            throw ExitCode(2)
        }
        LogSetup.bootstrap(format: settings.logFormat, level: settings.logLevel, batched: true)
        // Log lines wait in memory for up to 100 ms: write the last ones on every way out.
        defer { LogSetup.flush() }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "wasmhost")

        let store = try await Self.openStore(settings)
        let service = WasmhostService(
            configuration: settings.service, store: store, logger: Logger(label: "wasmhost.http"),
            metricsText: { registry.emitToBuffer() })
        // Modules stored before descriptions were kept get theirs now, before serving.
        service.describeStoredModules()
        let signals = await UnixSignalsSequence(trapping: SignalHandling.trapped)
        let server = HTTPServer(configuration: settings.http, handler: service)
        do {
            try server.start()
        } catch {
            FileHandle.standardError.write(Data("wasmhost: http.listen: \(error)\n".utf8))
            throw ExitCode(2)
        }
        // The actual address, for scripts and tests that bind port 0.
        let shownHost = settings.http.host.contains(":") ? "[\(settings.http.host)]" : settings.http.host
        logger.info("started", metadata: [
            "port": "\(server.port)", "store": "\(settings.storeBackend)",
            "modules": "\(store.totals.count)", "workers": "\(settings.service.maxConcurrent)",
        ])
        let daemon = Daemon(
            server: server, service: service, graceSeconds: settings.shutdownGraceSeconds, logger: logger,
            listeningLine: "wasmhost listening on \(shownHost):\(server.port)\n")
        let signalHandling = SignalHandling(
            signals: signals,
            reload: { [config, overrides] in try await Settings.load(configFile: config, overrides: overrides) },
            service: service, current: settings, logger: logger)
        let group = ServiceGroup(
            services: [daemon, signalHandling], gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger)
        try await group.run()
    }
}

extension ServeCommand {
    /// Opens the configured backend; exits 2 with a message naming the key when it cannot.
    /// The shared registry is given `startupWait` to come up (replicas may start before it).
    static func openStore(_ settings: Settings, startupWait: Duration = .seconds(30)) async throws -> any ModuleRegistry {
        let logger = Logger(label: "wasmhost.store")
        guard let postgres = settings.postgres else {
            do {
                return try ModuleStore(
                    dataDirectory: settings.dataDirectory, maxTotalBytes: settings.storeMaxBytes, logger: logger)
            } catch {
                FileHandle.standardError.write(Data("wasmhost: store.data_dir: cannot open \(settings.dataDirectory): \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        let deadline = ContinuousClock.now + startupWait
        while true {
            do {
                return try PostgresStore(configuration: postgres, logger: logger)
            } catch .unavailable where ContinuousClock.now < deadline {
                logger.warning("the registry (PostgreSQL) cannot be reached yet; retrying")
                try await Task.sleep(for: .seconds(1))
            } catch {
                FileHandle.standardError.write(Data("wasmhost: store.postgres.url: cannot open the registry: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
    }
}
