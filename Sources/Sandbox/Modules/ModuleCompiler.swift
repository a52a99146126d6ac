import Foundation
import Synchronization
import WAT
@_spi(Fuzzing) import WasmKit
import WasmParser

/// Turns uploaded bytes into a validated ``CompiledModule``.
public struct ModuleCompiler: Sendable {
    let configuration: SandboxConfiguration
    /// Eager engine used only to validate every function body at upload.
    let validationEngine: Engine
    #if WASMHOST_WASMTIME
    /// The Wasmtime engine, when it is the configured one and it started.
    let wasmtime: WasmtimeEngine?
    /// Compiled code kept on disk (Wasmtime).
    let artifacts: ArtifactStore?
    #endif

    /// Creates a compiler for the given sandbox settings.
    public init(configuration: SandboxConfiguration) {
        self.configuration = configuration
        self.validationEngine = configuration.makeEngine(compilation: .eager)
        #if WASMHOST_WASMTIME
        let wasmtime = configuration.engine == .wasmtime ? try? WasmtimeEngine.shared(for: configuration) : nil
        self.wasmtime = wasmtime
        artifacts = wasmtime.flatMap { engine in
            configuration.artifactDirectory.flatMap { ArtifactStore(directory: $0, settingsTag: engine.settings.artifactTag) }
        }
        #endif
    }

    /// True when `bytes` start with the WebAssembly binary magic `\0asm`;
    /// anything else is read as WAT text.
    public static func isBinary(_ bytes: [UInt8]) -> Bool { bytes.starts(with: [0x00, 0x61, 0x73, 0x6D]) }

    /// The binary form of an upload: the bytes themselves when they start with
    /// `\0asm`, otherwise the assembled WAT text.
    public func binary(from upload: [UInt8]) throws(SandboxError) -> [UInt8] {
        if Self.isBinary(upload) { return upload }
        guard let text = String(validating: upload, as: UTF8.self) else {
            throw .invalidModule("neither a WebAssembly binary (no \\0asm header) nor UTF-8 WAT text")
        }
        if Self.isComponentText(text) { return try assembleComponent(text) }
        do {
            // Keep the name section, so that backtraces show the WAT's function names.
            return try wat2wasm(text, features: SandboxConfiguration.features, options: EncodeOptions(nameSection: true))
        } catch {
            throw .invalidWAT(Self.watDetail(error))
        }
    }

    /// Parses, checks imports and limits, and validates every function body.
    public func compile(binary: [UInt8], id: String) throws(SandboxError) -> CompiledModule {
        if Self.isComponent(binary) { return try compileComponent(binary, id: id) }
        let module: Module
        let info: ModuleInfo
        let executable: [UInt8]
        do {
            info = try ModuleInfo(bytes: binary, features: SandboxConfiguration.features)
            executable = try Self.withSafeNames(binary, info: info)
            module = try parseWasm(bytes: executable, features: SandboxConfiguration.features)
        } catch {
            throw .invalidModule(Self.clean("\(error)"))
        }
        if let reserved = info.description.exports.first(where: { $0.name.hasPrefix(ModuleRewriter.reservedPrefix) }) {
            throw .invalidModule("export '\(reserved.name)': names starting with \(ModuleRewriter.reservedPrefix) are reserved")
        }
        // Validation first (API.md, "Order of validation"): only a valid module is
        // checked against the provided imports and the configured limits.
        let code = try engineCode(module, executable: executable, info: info, id: id) { () throws(SandboxError) in
            try ProvidedImports.check(info.description.imports)
            try Self.checkInitialSizes(info, limits: configuration.limits)
        }
        return CompiledModule(
            id: id, size: binary.count, description: info.description,
            usesWASI: info.description.imports.contains { $0.module == ProvidedImports.wasiModule },
            callsOtherModules: info.description.imports.contains {
                $0.module == ProvidedImports.hostModule && $0.name == "invoke"
            },
            code: code, info: info, pool: code.isWasmKit ? pool(for: executable, info: info) : nil)
    }

    /// Drops what was kept on disk for the module `id` (after a delete).
    public func forget(id: String) {
        #if WASMHOST_WASMTIME
        artifacts?.remove(id: id)
        #endif
    }

    /// The configured engine's form of the module: its function bodies are
    /// validated, then `checks` run, then (Wasmtime) its imports are linked.
    private func engineCode(
        _ module: Module, executable: [UInt8], info: ModuleInfo, id: String, checks: () throws(SandboxError) -> Void
    ) throws(SandboxError) -> EngineCode {
        #if WASMHOST_WASMTIME
        if configuration.engine == .wasmtime {
            guard let wasmtime else { throw .internal("the Wasmtime engine did not start") }
            // Compile once: a checked artifact of this id, version and settings is
            // deserialized; it was compiled from these very bytes (the id is their hash).
            if let artifacts, let saved = artifacts.load(id: id), let compiled = wasmtime.deserialize(saved) {
                try checks()
                return .wasmtime(compiled)
            }
            let compiled = try wasmtime.compile(executable, checks: checks)
            if let artifacts, let code = compiled.serialized() { artifacts.save(id: id, code: code) }
            return .wasmtime(compiled)
        }
        #endif
        try validateBodies(module, info: info)
        try checks()
        return .wasmKit(module)
    }

    /// A pool when instances of this module can be reset exactly: its code changes
    /// no table or segment.
    private func pool(for binary: [UInt8], info: ModuleInfo) -> InstancePool? {
        guard configuration.recycleInstances,
            info.onlyMemoryAndGlobalsChange,
            let rewrittenBytes = try? ModuleRewriter.exportingState(
                binary, mutableGlobals: info.mutableGlobalIndices, memoryCount: info.memoryCount),
            let rewritten = try? parseWasm(bytes: rewrittenBytes, features: SandboxConfiguration.features)
        else { return nil }
        return InstancePool(rewritten: rewritten, maxIdle: configuration.poolMaxIdle)
    }

    /// The bytes to execute: the binary itself, or, when its `name` section names
    /// a function the module does not have, the binary without that section.
    /// WasmKit 0.4.2 indexes its function list with the named index while
    /// symbolicating a trap's backtrace and crashes the process on a bad one; a
    /// name section is advisory, so the module stays valid and only loses names.
    static func withSafeNames(_ binary: [UInt8], info: ModuleInfo) throws -> [UInt8] {
        guard info.namesMissingFunction else { return binary }
        return try ModuleRewriter.removingCustomSections(named: "name", from: binary)
    }

    /// Refuses a module whose initial memory or table is over the configured limits.
    static func checkInitialSizes(_ info: ModuleInfo, limits: Limits) throws(SandboxError) {
        if let largest = info.initialMemoryBytes.max(), largest > UInt64(limits.maxMemoryBytes) {
            throw .limitExceeded(
                "initial memory of \(largest) bytes exceeds limits.max_memory_bytes (\(limits.maxMemoryBytes))")
        }
        if let largest = info.initialTableElements.max(), largest > UInt64(limits.maxTableElements) {
            throw .limitExceeded(
                "initial table of \(largest) elements exceeds limits.max_table_elements (\(limits.maxTableElements))")
        }
    }

    /// `parseWasm` decodes sections only; bodies are type-checked when translated.
    /// An eager instantiation with a stub for every import (and no start function)
    /// validates the module's types and translates every body now, so a bad module
    /// is refused at upload rather than on first call. The stubs have exactly the
    /// imported types, so whether this host provides them is decided afterwards.
    private func validateBodies(_ module: Module, info: ModuleInfo) throws(SandboxError) {
        var module = module
        module.dropStartFunction()
        let store = Store(engine: validationEngine)
        let limiter = RecordingLimiter(limits: configuration.limits)
        store.resourceLimiter = limiter
        var imports = Imports()
        for stub in info.importedFunctionTypes {
            let function = Function(store: store, type: stub.signature.wasmKitType) { _, _ in
                throw HostTrap("import called during validation")
            }
            imports.define(module: stub.module, name: stub.name, function)
        }
        var stubbedAll = true
        for entry in module.imports {
            switch entry.descriptor {
            case .function: continue
            case .global(let type):
                if let value = Self.zero(type.valueType), let global = try? Global(store: store, type: type, value: value) {
                    imports.define(module: entry.module, name: entry.name, global)
                    continue
                }
            case .memory(let type):
                if let memory = try? Memory(store: store, type: type) {
                    imports.define(module: entry.module, name: entry.name, memory)
                    continue
                }
            case .table(let type):
                if let table = try? Table(store: store, type: type) {
                    imports.define(module: entry.module, name: entry.name, table)
                    continue
                }
            case .tag: break
            }
            stubbedAll = false
        }
        // Only what the module itself declares counts from here.
        limiter.forget()
        do {
            _ = try module.instantiate(store: store, imports: imports)
        } catch let trap as Trap {
            // A valid module whose segments do not fit traps at every instantiation;
            // that is the module's behaviour, reported when it is invoked.
            _ = trap
        } catch {
            // An import that could not be stubbed, or a size past the configured
            // limits, stops instantiation before the bodies: the checks after this
            // one name those (`unknown_import`, `limit_exceeded`).
            guard stubbedAll, !limiter.refused else { return }
            throw .invalidModule(Self.clean("\(error)"))
        }
    }

    /// The zero value of a type, for stub globals; `nil` for a non-nullable reference.
    private static func zero(_ type: ValueType) -> Value? {
        switch type {
        case .i32: .i32(0)
        case .i64: .i64(0)
        case .f32: .f32(0)
        case .f64: .f64(0)
        case .v128: .v128(V128(bytes: [UInt8](repeating: 0, count: 16)))
        case .ref(let reference) where reference.isNullable:
            switch reference.heapType {
            case .abstract(.externRef), .abstract(.noExtern): .ref(.extern(nil))
            case .abstract(.exnRef), .abstract(.noExn): .ref(.exception(nil))
            default: .ref(.function(nil))
            }
        case .ref: nil
        }
    }

    /// A WAT error as a client reads it: the parser's message without Swift
    /// debug descriptions of tokens, then `at line L, column C` (both 1-based).
    static func watDetail(_ error: WatParserError) -> String {
        var message = "\(error)"
        if let location = error.location, let suffix = message.range(of: " at \(location)", options: .backwards) {
            message.removeSubrange(suffix)
        }
        message = clean(message)
        // Token descriptions look like `integer(Optional(Swift.FloatingPointSign.minus), WAT.IntegerToken…`.
        if let debug = message.range(of: "(Optional(") ?? message.range(of: "WAT.") ?? message.range(of: "Swift.") {
            let cut = message[..<debug.lowerBound].range(of: " but got ", options: .backwards)?.upperBound ?? debug.lowerBound
            message = String(message[..<cut]) + (message[..<cut].hasSuffix("got ") ? "an unexpected token" : "")
        }
        guard let location = error.location else { return message }
        let (line, column) = location.computeLineAndColumn()
        return "\(message) at line \(line), column \(column + 1)"
    }

    /// Error texts without Swift type prefixes.
    static func clean(_ text: String) -> String {
        text.split(separator: "\n").first.map(String.init) ?? text
    }
}

/// The validation store's limiter: the configured caps, remembering whether it refused.
private final class RecordingLimiter: ResourceLimiter {
    let limiter: GrowthLimiter
    private let refusals = Atomic<Bool>(false)

    init(limits: Limits) { limiter = GrowthLimiter(limits: limits) }

    /// True when a size was refused since the last ``forget()``.
    var refused: Bool { refusals.load(ordering: .relaxed) }

    func forget() { refusals.store(false, ordering: .relaxed) }

    func limitMemoryGrowth(to desired: Int) throws -> Bool {
        record(try limiter.limitMemoryGrowth(to: desired))
    }

    func limitTableGrowth(to desired: Int) throws -> Bool {
        record(try limiter.limitTableGrowth(to: desired))
    }

    private func record(_ allowed: Bool) -> Bool {
        if !allowed { refusals.store(true, ordering: .relaxed) }
        return allowed
    }
}

extension FunctionSignature {
    /// The WasmKit type; only called for signatures made of API value types.
    var wasmKitType: FunctionType {
        FunctionType(parameters: params.map(\.wasmKitType), results: results.map(\.wasmKitType))
    }
}

extension WasmValueType {
    var wasmKitType: ValueType {
        switch self {
        case .i32: .i32
        case .i64: .i64
        case .f32: .f32
        case .f64: .f64
        case .v128: .v128
        case .funcref, .otherRef: .ref(.funcRef)
        case .externref: .ref(.externRef)
        }
    }
}
