import Configuration
import Foundation
import HTTPServer
import PostgresStore
import Service
import Testing
@testable import wasmhost

/// Start-up configuration: defaults, every key, and the errors that name the key.
@Suite(.timeLimit(.minutes(3)))
struct SettingsTests {
    static func settings(_ values: [AbsoluteConfigKey: ConfigValue]) throws -> Settings {
        try Settings(reader: ConfigReader(providers: [InMemoryProvider(values: values)]))
    }

    /// The value a key ended up as, in text, for table-driven checks.
    static func value(of key: String, in settings: Settings) -> String {
        let limits = settings.service.sandbox.limits
        switch key {
        case "http.listen": return "\(settings.http.host) \(settings.http.port)"
        case "http.event_threads": return "\(settings.http.eventThreads)"
        case "http.thread_stack_bytes": return "\(settings.http.threadStackBytes)"
        case "http.max_connections": return "\(settings.http.maxConnections)"
        case "http.idle_timeout_seconds": return "\(settings.http.idleTimeoutSeconds)"
        case "http.request_timeout_seconds": return "\(settings.http.requestTimeoutSeconds)"
        case "store.data_dir": return settings.dataDirectory
        case "store.max_bytes": return "\(settings.storeMaxBytes)"
        case "limits.max_module_bytes": return "\(settings.service.maxModuleBytes)"
        case "limits.max_request_bytes": return "\(settings.service.maxRequestBytes)"
        case "limits.max_concurrent": return "\(settings.service.maxConcurrent)"
        case "limits.max_queue": return "\(settings.service.maxQueue)"
        case "limits.fuel": return "\(limits.fuel)"
        case "limits.timeout_ms": return "\(limits.timeoutMilliseconds)"
        case "limits.max_memory_bytes": return "\(limits.maxMemoryBytes)"
        case "limits.max_table_elements": return "\(limits.maxTableElements)"
        case "limits.max_output_bytes": return "\(limits.maxOutputBytes)"
        case "limits.max_reentrancy_depth": return "\(limits.maxReentrancyDepth)"
        case "sandbox.worker_stack_bytes": return "\(settings.service.sandbox.workerStackBytes)"
        case "sandbox.interpreter_stack_bytes": return "\(settings.service.sandbox.interpreterStackBytes)"
        case "cache.max_bytes": return "\(settings.service.cacheMaxBytes)"
        case "auth.token": return settings.service.authToken ?? "<none>"
        case "log.format": return settings.logFormat
        case "log.level": return settings.logLevel
        case "shutdown.grace_seconds": return "\(settings.shutdownGraceSeconds)"
        default: return "<unknown key \(key)>"
        }
    }

    @Test(arguments: [
        ("127.0.0.1:8080", "127.0.0.1", 8080 as UInt16), ("[::1]:9000", "::1", 9000), ("0.0.0.0:0", "0.0.0.0", 0),
        ("[::]:65535", "::", 65535), ("10.1.2.3:1", "10.1.2.3", 1),
    ])
    func parseListenReadsHostAndPort(text: String, host: String, port: UInt16) throws {
        let parsed = try Settings.parseListen(text)
        #expect(parsed.0 == host)
        #expect(parsed.1 == port)
    }

    @Test(arguments: ["nowhere", "", "127.0.0.1", "127.0.0.1:", ":8080", "[]:80", "127.0.0.1:65536", "127.0.0.1:-1",
                      "127.0.0.1:http", "127.0.0.1:80 ", "[::1]"])
    func parseListenRefusesBadInputNamingTheKey(text: String) {
        let error = #expect(throws: SettingsError.self) { try Settings.parseListen(text) }
        #expect(error?.key == "http.listen")
        #expect(error?.description.hasPrefix("configuration error: http.listen: ") == true)
    }

    @Test func withNothingConfiguredEveryKeyHasItsDefault() throws {
        let settings = try Self.settings([:])
        let expected: [String: String] = [
            "http.listen": "127.0.0.1 8080", "http.event_threads": "\(HTTPServerConfiguration.defaultEventThreads)", "http.thread_stack_bytes": "\(1 << 20)",
            "http.max_connections": "16384", "http.idle_timeout_seconds": "30", "http.request_timeout_seconds": "30",
            "store.data_dir": "./data", "store.max_bytes": "0",
            "limits.max_module_bytes": "\(32 << 20)", "limits.max_request_bytes": "\(8 << 20)",
            "limits.max_concurrent": "\(ServiceConfiguration.defaultMaxConcurrent)", "limits.max_queue": "64", "limits.fuel": "100000000",
            "limits.timeout_ms": "5000", "limits.max_memory_bytes": "\(64 << 20)", "limits.max_table_elements": "100000",
            "limits.max_output_bytes": "\(1 << 20)", "limits.max_reentrancy_depth": "64",
            "sandbox.worker_stack_bytes": "\(8 << 20)", "sandbox.interpreter_stack_bytes": "\(512 << 10)",
            "cache.max_bytes": "\(256 << 20)", "log.format": "text", "log.level": "info", "shutdown.grace_seconds": "30",
        ]
        for (key, value) in expected { #expect(Self.value(of: key, in: settings) == value, "\(key)") }
        if ProcessInfo.processInfo.environment["WASMHOST_TOKEN"] == nil { #expect(settings.service.authToken == nil) }
    }

    @Test(arguments: [
        ("http.listen", "[::1]:9000", "::1 9000"), ("http.event_threads", "8", "8"),
        ("http.thread_stack_bytes", "2097152", "2097152"), ("http.max_connections", "50", "50"),
        ("http.idle_timeout_seconds", "5", "5"), ("http.request_timeout_seconds", "7", "7"),
        ("store.data_dir", "/var/lib/wasmhost", "/var/lib/wasmhost"), ("store.max_bytes", "1_000_000", "1000000"),
        ("limits.max_module_bytes", "1024", "1024"), ("limits.max_request_bytes", "2048", "2048"),
        ("limits.max_concurrent", "3", "3"), ("limits.max_queue", "0", "0"), ("limits.fuel", "5000", "5000"),
        ("limits.timeout_ms", "250", "250"), ("limits.max_memory_bytes", "131072", "131072"),
        ("limits.max_table_elements", "10", "10"), ("limits.max_output_bytes", "0", "0"),
        ("limits.max_reentrancy_depth", "16", "16"), ("sandbox.worker_stack_bytes", "16777216", "16777216"),
        ("sandbox.interpreter_stack_bytes", "1048576", "1048576"), ("cache.max_bytes", "0", "0"),
        ("auth.token", "s3cret", "s3cret"), ("log.format", "json", "json"), ("log.level", "debug", "debug"),
        ("shutdown.grace_seconds", "0", "0"),
    ])
    func everyKeyCanBeOverridden(key: String, text: String, expected: String) throws {
        let settings = try Self.settings([AbsoluteConfigKey(stringLiteral: key): ConfigValue(.string(text), isSecret: false)])
        #expect(Self.value(of: key, in: settings) == expected)
    }

    @Test(arguments: [
        ("limits.max_concurrent", "lots"), ("http.event_threads", "1.5"), ("limits.fuel", ""), ("store.max_bytes", "0x10"),
        ("limits.timeout_ms", " 5"), ("shutdown.grace_seconds", "ten"), ("cache.max_bytes", "99999999999999999999"),
    ])
    func aValueThatIsNotAnIntegerNamesTheKey(key: String, text: String) {
        let error = #expect(throws: SettingsError.self) {
            try Self.settings([AbsoluteConfigKey(stringLiteral: key): ConfigValue(.string(text), isSecret: false)])
        }
        #expect(error?.key == key)
        #expect(error?.problem.contains("is not an integer") == true)
    }

    @Test(arguments: [
        ("http.event_threads", "0"), ("http.event_threads", "65"), ("http.thread_stack_bytes", "1024"),
        ("http.max_connections", "0"), ("http.idle_timeout_seconds", "0"), ("http.request_timeout_seconds", "3601"),
        ("store.max_bytes", "-1"), ("limits.max_module_bytes", "0"), ("limits.max_request_bytes", "2147483648"),
        ("limits.max_concurrent", "0"), ("limits.max_queue", "-1"), ("limits.fuel", "0"), ("limits.timeout_ms", "0"),
        ("limits.max_memory_bytes", "65535"), ("limits.max_table_elements", "0"), ("limits.max_output_bytes", "-5"),
        ("limits.max_reentrancy_depth", "0"), ("sandbox.worker_stack_bytes", "1024"),
        ("sandbox.interpreter_stack_bytes", "1"), ("cache.max_bytes", "-1"), ("shutdown.grace_seconds", "3601"),
    ])
    func aValueOutOfRangeNamesTheKey(key: String, text: String) {
        let error = #expect(throws: SettingsError.self) {
            try Self.settings([AbsoluteConfigKey(stringLiteral: key): ConfigValue(.string(text), isSecret: false)])
        }
        #expect(error?.key == key)
        #expect(error?.problem.contains("is outside") == true)
    }

    @Test(arguments: [("log.format", "xml"), ("log.format", "JSON"), ("log.level", "verbose"), ("log.level", "")])
    func anUnknownLogFormatOrLevelNamesTheKey(key: String, text: String) {
        let error = #expect(throws: SettingsError.self) {
            try Self.settings([AbsoluteConfigKey(stringLiteral: key): ConfigValue(.string(text), isSecret: false)])
        }
        #expect(error?.key == key)
    }

    @Test func aBadListenAddressInConfigurationNamesTheKey() {
        let error = #expect(throws: SettingsError.self) { try Self.settings(["http.listen": "nowhere"]) }
        #expect(error?.key == "http.listen")
    }

    @Test func aReentrancyDepthTheWorkerStackCannotHoldIsRefused() throws {
        let error = #expect(throws: SettingsError.self) { try Self.settings(["limits.max_reentrancy_depth": "1000"]) }
        #expect(error?.key == "limits.max_reentrancy_depth")
        #expect(error?.problem.contains("sandbox.worker_stack_bytes") == true)
        // On Wasmtime the wasm stack of one store must hold the chain too (24 KiB per crossing).
        let roomy = try Self.settings([
            "limits.max_reentrancy_depth": "1000", "sandbox.worker_stack_bytes": "67108864",
            "sandbox.max_wasm_stack_bytes": "33554432",
        ])
        #expect(roomy.service.sandbox.limits.maxReentrancyDepth == 1000)
        let small = #expect(throws: SettingsError.self) { try Self.settings(["sandbox.worker_stack_bytes": "1048576"]) }
        #expect(small?.key == "limits.max_reentrancy_depth")
    }

    @Test func thePostgresBackendNeedsAURLAndReadsItsKeys() throws {
        #expect(try Self.settings([:]).storeBackend == "directory")
        #expect(try Self.settings([:]).postgres == nil)
        let missing = #expect(throws: SettingsError.self) { try Self.settings(["store.backend": "postgres"]) }
        #expect(missing?.key == "store.postgres.url")
        let unknown = #expect(throws: SettingsError.self) { try Self.settings(["store.backend": "etcd"]) }
        #expect(unknown?.key == "store.backend")
        let settings = try Self.settings([
            "store.backend": "postgres", "store.postgres.url": "postgresql://db/wasmhost",
            "store.postgres.pool_size": "9", "store.postgres.statement_timeout_ms": "1500", "store.max_bytes": "1000",
        ])
        let postgres = try #require(settings.postgres)
        #expect(postgres.url == "postgresql://db/wasmhost" && postgres.poolSize == 9)
        #expect(postgres.statementTimeoutMilliseconds == 1500 && postgres.maxTotalBytes == 1000)
        let pool = #expect(throws: SettingsError.self) {
            try Self.settings(["store.backend": "postgres", "store.postgres.url": "x", "store.postgres.pool_size": "0"])
        }
        #expect(pool?.key == "store.postgres.pool_size")
    }

    @Test func anEmptyTokenMeansNoAuth() throws {
        let settings = try Self.settings(["auth.token": ""])
        if ProcessInfo.processInfo.environment["WASMHOST_TOKEN"] == nil { #expect(settings.service.authToken == nil) }
    }

    @Test func theFirstProviderWins() throws {
        let reader = ConfigReader(providers: [
            InMemoryProvider(name: "flags", values: ["limits.max_queue": "7"]),
            InMemoryProvider(name: "file", values: ["limits.max_queue": "9", "log.level": "error"]),
        ])
        let settings = try Settings(reader: reader)
        #expect(settings.service.maxQueue == 7)
        #expect(settings.logLevel == "error")
    }

    /// A provider that types its values (JSON, or `InMemoryProvider` with an integer
    /// literal) must not have them ignored: the documented rule is "a wrong value is
    /// an error, never a silent default".
    @Test
    func anIntegerTypedValueIsUsedNotSilentlyIgnored() throws {
        let settings = try Self.settings(["limits.max_queue": 7])
        #expect(settings.service.maxQueue == 7)
    }
}
