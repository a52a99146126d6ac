#if WASMHOST_WASMTIME
import CWasmtime
import Foundation
import Synchronization

/// One Wasmtime engine with everything shared by its invocations: the
/// validated configuration (fuel, epochs, pooling allocator), the linker that
/// provides `host.*` and WASI preview 1, and the epoch ticker.
///
/// Engines are shared per engine-relevant settings, so that a module compiled
/// by the ``ModuleCompiler`` runs in the ``Invoker``'s stores.
final class WasmtimeEngine: @unchecked Sendable {
    // Safety: the engine and linker are immutable after `init` and documented
    // thread-safe by Wasmtime; the ticker has its own lock.
    let engine: OpaquePointer
    let linker: OpaquePointer
    /// Links components: WASI 0.2 and the host interface (``ComponentHostFunctions``).
    let componentLinker: OpaquePointer
    let ticker: EpochTicker
    let settings: Settings

    /// What the engine's configuration depends on.
    struct Settings: Hashable {
        var maxMemoryBytes: Int
        var maxTableElements: Int
        var maxWasmStackBytes: Int
        var instanceSlots: Int

        init(_ configuration: SandboxConfiguration) {
            maxMemoryBytes = (configuration.limits.maxMemoryBytes + 0xFFFF) & ~0xFFFF
            maxTableElements = configuration.limits.maxTableElements
            maxWasmStackBytes = configuration.maxWasmStackBytes
            instanceSlots = configuration.instanceSlots
        }

        /// The part of an artifact key that changes compiled code.
        var artifactTag: String { "mem\(maxMemoryBytes)-stack\(maxWasmStackBytes)" }
    }

    /// The Wasmtime release whose C API this build declares.
    static let version = "50.0.1"

    private static let engines = Mutex<[Settings: WasmtimeEngine]>([:])

    /// The engine for `configuration`, created on first use.
    static func shared(for configuration: SandboxConfiguration) throws(SandboxError) -> WasmtimeEngine {
        let settings = Settings(configuration)
        let result: Result<WasmtimeEngine, SandboxError> = engines.withLock { engines in
            if let engine = engines[settings] { return .success(engine) }
            do throws(SandboxError) {
                let engine = try WasmtimeEngine(settings: settings)
                engines[settings] = engine
                return .success(engine)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Creates the engine once at start-up to report a problem as a message.
    static func startProblem(for configuration: SandboxConfiguration) -> String? {
        do { _ = try shared(for: configuration) } catch { return "wasmtime: \(error)" }
        return nil
    }

    private init(settings: Settings) throws(SandboxError) {
        self.settings = settings
        // Every value below is range-checked by SandboxConfiguration.engineProblem:
        // Wasmtime aborts the process on some invalid combinations.
        guard let config = wasm_config_new() else { throw .internal("wasm_config_new failed") }
        wasmtime_config_consume_fuel_set(config, true)
        wasmtime_config_epoch_interruption_set(config, true)
        wasmtime_config_max_wasm_stack_set(config, settings.maxWasmStackBytes)
        // Wasmtime refuses (by aborting) a wasm stack larger than its async stack,
        // even with async off: keep the async stack above it.
        wasmtime_config_async_stack_size_set(config, settings.maxWasmStackBytes + (1 << 20))
        // The features WasmKit accepts (SandboxConfiguration.features), and no others.
        wasmtime_config_wasm_simd_set(config, true)
        wasmtime_config_wasm_reference_types_set(config, true)
        wasmtime_config_wasm_bulk_memory_set(config, true)
        wasmtime_config_wasm_multi_value_set(config, true)
        wasmtime_config_wasm_tail_call_set(config, true)
        wasmtime_config_wasm_exceptions_set(config, true)
        wasmtime_config_wasm_threads_set(config, false)
        wasmtime_config_wasm_relaxed_simd_set(config, false)
        wasmtime_config_wasm_multi_memory_set(config, false)
        wasmtime_config_wasm_memory64_set(config, false)
        wasmtime_config_wasm_wide_arithmetic_set(config, false)
        wasmtime_config_wasm_gc_set(config, false)
        wasmtime_config_wasm_function_references_set(config, false)
        wasmtime_config_wasm_custom_page_sizes_set(config, false)
        wasmtime_config_wasm_stack_switching_set(config, false)
        wasmtime_config_wasm_component_model_set(config, true)
        // Memories never move and never outgrow the limit: reserve just the limit
        // (the default reserves 4 GiB + guard per memory, ~3.9 TiB for the pool).
        let reservation = UInt64(settings.maxMemoryBytes)
        wasmtime_config_memory_reservation_set(config, reservation)
        wasmtime_config_memory_guard_size_set(config, 2 << 20)
        wasmtime_config_memory_reservation_for_growth_set(config, 0)
        guard let pooling = wasmtime_pooling_allocation_config_new() else {
            wasm_config_delete(config)
            throw .internal("wasmtime_pooling_allocation_config_new failed")
        }
        let slots = UInt32(settings.instanceSlots)
        wasmtime_pooling_allocation_config_total_core_instances_set(pooling, slots)
        wasmtime_pooling_allocation_config_total_memories_set(pooling, slots)
        wasmtime_pooling_allocation_config_total_tables_set(pooling, slots * 2)
        wasmtime_pooling_allocation_config_total_gc_heaps_set(pooling, slots)
        wasmtime_pooling_allocation_config_max_memory_size_set(pooling, settings.maxMemoryBytes)
        wasmtime_pooling_allocation_config_max_memories_per_module_set(pooling, 1)
        wasmtime_pooling_allocation_config_max_tables_per_module_set(pooling, 16)
        wasmtime_pooling_allocation_config_table_elements_set(pooling, settings.maxTableElements)
        wasmtime_pooling_allocation_config_max_core_instance_size_set(pooling, 4 << 20)
        wasmtime_pooling_allocation_strategy_set(config, pooling)
        wasmtime_pooling_allocation_config_delete(pooling)
        // Takes ownership of `config`.
        guard let engine = wasm_engine_new_with_config(config) else { throw .internal("wasm_engine_new_with_config failed") }
        guard let linker = wasmtime_linker_new(engine) else {
            wasm_engine_delete(engine)
            throw .internal("wasmtime_linker_new failed")
        }
        self.engine = engine
        self.linker = linker
        componentLinker = try Self.makeComponentLinker(engine)
        ticker = EpochTicker(engine: engine)
        try WasmtimeHostFunctions.define(in: linker)
        if let error = wasmtime_linker_define_wasi(linker) {
            throw .internal("wasmtime_linker_define_wasi: \(WasmtimeError.take(error))")
        }
        ticker.start()
    }

    /// Compiles (and so validates) `binary`, runs `checks` on the valid module,
    /// then links its imports.
    func compile(_ binary: [UInt8], checks: () throws(SandboxError) -> Void) throws(SandboxError) -> WasmtimeModule {
        var module: OpaquePointer?
        let error = binary.withUnsafeBufferPointer { wasmtime_module_new(engine, $0.baseAddress, $0.count, &module) }
        if let error {
            let message = WasmtimeError.oneLine(WasmtimeError.take(error))
            // The pooling allocator refuses, at compile time, a valid module whose
            // initial memory or table is over its slots (sized by the limits):
            // the checks then name the limit, as on WasmKit.
            if message.contains("pooling allocator") {
                try checks()
                throw .limitExceeded(message)
            }
            throw .invalidModule(message)
        }
        guard let module else { throw .internal("wasmtime_module_new gave no module") }
        do {
            try checks()
        } catch {
            wasmtime_module_delete(module)
            throw error
        }
        return try prepare(module)
    }

    /// Deserializes an artifact this daemon wrote (see ``ArtifactStore``).
    func deserialize(_ artifact: [UInt8]) -> WasmtimeModule? {
        var module: OpaquePointer?
        let error = artifact.withUnsafeBufferPointer { wasmtime_module_deserialize(engine, $0.baseAddress, $0.count, &module) }
        if let error {
            _ = WasmtimeError.take(error)
            return nil
        }
        guard let module else { return nil }
        return try? prepare(module)
    }

    /// Resolves the imports once (`instance_pre`), so that each invocation only allocates and initialises.
    private func prepare(_ module: OpaquePointer) throws(SandboxError) -> WasmtimeModule {
        var pre: OpaquePointer?
        if let error = wasmtime_linker_instantiate_pre(linker, module, &pre) {
            wasmtime_module_delete(module)
            throw .unknownImport(WasmtimeError.take(error))
        }
        guard let pre else {
            wasmtime_module_delete(module)
            throw .internal("wasmtime_linker_instantiate_pre gave nothing")
        }
        return WasmtimeModule(module: module, pre: pre, engine: self)
    }
}

/// A module compiled by Wasmtime and its prepared instantiation. Immutable;
/// Wasmtime modules are safe to share between threads.
final class WasmtimeModule: @unchecked Sendable {
    // Safety: both pointers are only read after init, and freed once in deinit.
    let module: OpaquePointer
    let pre: OpaquePointer
    /// Keeps the engine (and its linker) alive while its code exists.
    let engine: WasmtimeEngine

    init(module: OpaquePointer, pre: OpaquePointer, engine: WasmtimeEngine) {
        self.module = module
        self.pre = pre
        self.engine = engine
    }

    /// The serialized code, for the artifact store.
    func serialized() -> [UInt8]? {
        WasmtimeBytes.taken { wasmtime_module_serialize(module, &$0) }
    }

    deinit {
        wasmtime_instance_pre_delete(pre)
        wasmtime_module_delete(module)
    }
}

/// Reading and freeing `wasmtime_error_t`.
enum WasmtimeError {
    /// The error's message; frees the error.
    static func take(_ error: OpaquePointer) -> String {
        defer { wasmtime_error_delete(error) }
        return message(error)
    }

    /// Wasmtime's multi-line "context\n\nCaused by:\n    0: cause" as one line: "context: cause".
    static func oneLine(_ message: String) -> String {
        message.split(separator: "\n").map { line in
            var text = line.drop { $0 == " " }
            if let colon = text.firstIndex(of: ":"), text[..<colon].allSatisfy(\.isNumber), colon != text.startIndex {
                text = text[text.index(after: colon)...].drop { $0 == " " }
            }
            return String(text)
        }.filter { !$0.isEmpty && $0 != "Caused by:" }.joined(separator: ": ")
    }

    /// The error's message (its length excludes any NUL).
    static func message(_ error: OpaquePointer) -> String {
        var text = wasm_byte_vec_t()
        wasmtime_error_message(error, &text)
        defer { wasm_byte_vec_delete(&text) }
        return WasmtimeBytes.string(text)
    }
}

enum WasmtimeBytes {
    /// The bytes `produce` writes into a vector Wasmtime allocates (freed here),
    /// or `nil` when it fails.
    static func taken(_ produce: (inout wasm_byte_vec_t) -> OpaquePointer?) -> [UInt8]? {
        var bytes = wasm_byte_vec_t()
        if let error = produce(&bytes) {
            _ = WasmtimeError.take(error)
            return nil
        }
        defer { wasm_byte_vec_delete(&bytes) }
        guard let data = bytes.data else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: bytes.size))
    }

    /// Lends `name`'s UTF-8 bytes and their count (names may contain NUL, so no `strlen`).
    static func withName<R>(_ name: String, _ body: (UnsafePointer<CChar>?, Int) -> R) -> R {
        var bytes = Array(name.utf8)
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress, $0.count - 1) }
        }
    }

    /// A byte vector as text, without a trailing NUL (wasm_trap_message counts
    /// one) unless `keepingNUL` (component strings may end in one).
    static func string(_ vector: wasm_byte_vec_t, keepingNUL: Bool = false) -> String {
        guard let data = vector.data, vector.size > 0 else { return "" }
        var count = vector.size
        if !keepingNUL && data[count - 1] == 0 { count -= 1 }
        return String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    }
}
#endif
