// swift-tools-version:6.2
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

/// Wasmtime's C API library, laid out by `make deps` (scripts/wasmtime_deps.sh).
/// SwiftPM drops `-rpath` coming from pkg-config, so the root package passes it;
/// installed builds find the library next to the binary (`$ORIGIN`).
let wasmtimeLibrary = Context.packageDirectory + "/.deps/wasmtime/lib"
let withWasmtime = BuildSettingCondition.when(traits: ["Wasmtime"])

let package = Package(
    name: "wasmhost",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "wasmhost", targets: ["wasmhost"]),
    ],
    // `Wasmtime` (default): the Wasmtime engine next to WasmKit. Build without it,
    // needing no native library, with `swift build --disable-default-traits`.
    traits: [
        .trait(name: "Wasmtime", description: "Link Wasmtime's C API and offer sandbox.engine: wasmtime"),
        .default(enabledTraits: ["Wasmtime"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swiftwasm/WasmKit", exact: "0.4.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(
            url: "https://github.com/apple/swift-configuration", from: "1.4.0",
            traits: [.defaults, "YAML"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        // libmicrohttpd as a system library (pkg-config `libmicrohttpd`, Debian `libmicrohttpd-dev`).
        .systemLibrary(
            name: "CLibMicroHTTPD",
            pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev"])]
        ),
        // The tiny C shim: non-variadic wrappers around libmicrohttpd's variadic entry points.
        .target(name: "CMicroHTTPD", dependencies: ["CLibMicroHTTPD"]),
        // libpq as a system library (pkg-config `libpq`, Debian `libpq-dev`), for the shared registry.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // The small libpq shim: a notice processor (a C function pointer) and a poll on its socket.
        .target(name: "CPostgres", dependencies: ["CLibPQ"]),
        // pthread_getattr_np for the reentrancy guard's native stack check.
        .target(name: "CStackBounds"),
        // A signal that parks a guest's thread while the watchdog empties its fuel.
        .target(name: "CGuestInterrupt"),
        // Wasmtime's C API: a hand-written header of the functions used (the wheel has none).
        .systemLibrary(name: "CWasmtime"),
        // Hex text of bytes (module ids, v128 values, JSON escapes): no dependencies.
        .target(name: "Hex", swiftSettings: strict),
        .target(
            name: "HTTPServer",
            dependencies: ["CMicroHTTPD"],
            swiftSettings: strict
        ),
        .target(
            name: "ModuleStore",
            dependencies: [
                "Hex",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "PostgresStore",
            dependencies: [
                "CLibPQ", "CPostgres", "ModuleStore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Sandbox",
            dependencies: [
                "CStackBounds",
                "CGuestInterrupt",
                "Hex",
                .product(name: "WasmKit", package: "WasmKit"),
                .product(name: "WAT", package: "WasmKit"),
                .product(name: "WasmKitWASI", package: "WasmKit"),
                .product(name: "WasmParser", package: "WasmKit"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .target(name: "CWasmtime", condition: .when(traits: ["Wasmtime"])),
            ],
            swiftSettings: strict + [.define("WASMHOST_WASMTIME", withWasmtime)],
            linkerSettings: [
                .unsafeFlags(["-L" + wasmtimeLibrary, "-Xlinker", "-rpath", "-Xlinker", wasmtimeLibrary], withWasmtime),
            ]
        ),
        // Both engines side by side: the differential test and `make fuzz-differential`.
        .target(
            name: "Differential",
            dependencies: ["Sandbox", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .target(
            name: "Service",
            dependencies: [
                "HTTPServer", "ModuleStore", "Sandbox", "Hex",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            resources: [.copy("Resources/openapi.json"), .copy("Resources/console")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "wasmhost",
            dependencies: [
                "Service", "HTTPServer", "ModuleStore", "PostgresStore", "Sandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict
        ),
        // `make bench`: in-process measurements (not a test).
        .executableTarget(
            name: "wasmhost-bench",
            dependencies: [
                "Sandbox", "Service", "ModuleStore", "HTTPServer", .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // `make fuzz`: mutated modules through the upload path (corpus-driven harness).
        .executableTarget(
            name: "wasmhost-fuzz",
            dependencies: [
                "Sandbox", "Differential", "Service", "ModuleStore", "HTTPServer", .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // What several test targets share: the raw HTTP client and polling helpers.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "ModuleStoreTests", dependencies: ["ModuleStore", "PostgresStore", "Hex", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "SandboxTests",
            dependencies: ["Sandbox", "Differential", "CGuestInterrupt", "Hex", "TestSupport", .product(name: "WAT", package: "WasmKit")],
            swiftSettings: strict
        ),
        .testTarget(name: "ServiceTests", dependencies: ["Service", "Sandbox", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "wasmhostTests", dependencies: ["wasmhost", "PostgresStore", "HTTPServer", "Service"], swiftSettings: strict),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["wasmhost", "Hex", "TestSupport", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
    ]
)
