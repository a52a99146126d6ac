import WasmKit
import WasmParser

/// Facts read straight from a module's sections with WasmKit's public parser:
/// its description and the numbers limits are checked against.
struct ModuleInfo: Sendable {
    let description: ModuleDescription
    /// Function type of each import, in import order (functions only), for stubbing.
    let importedFunctionTypes: [(module: String, name: String, signature: FunctionSignature)]
    /// Initial size of each memory (imported and defined), in bytes.
    let initialMemoryBytes: [UInt64]
    /// Initial element count of each table.
    let initialTableElements: [UInt64]
    /// Global indices of the mutable globals (this host provides no imported globals).
    let mutableGlobalIndices: [Int]
    /// Number of memories.
    let memoryCount: Int
    /// Number of functions, imported and defined.
    let functionCount: Int
    /// No function body can change tables or drop segments (see ``StateScan``).
    let onlyMemoryAndGlobalsChange: Bool
    /// The `name` section names a function the module does not have.
    let namesMissingFunction: Bool
    /// Backtrace names of functions the `name` section leaves unnamed, by function
    /// index: WasmKit uses a function's export name when the module it runs keeps
    /// a name section (the first export here; WasmKit's pick among several is
    /// unordered), and ``traceName(ofFunction:)``'s index form otherwise.
    let exportNamesInTraces: [Int: String]

    /// Walks the sections of a binary module.
    /// - Throws: the parser's error, for the caller to map to `invalid_module`.
    init(bytes: [UInt8], features: WasmFeatureSet) throws {
        var parser = Parser(bytes: bytes, features: features)
        var types: [FunctionType?] = []
        var imports: [Import] = []
        var definedFunctionTypes: [TypeIndex] = []
        var tables: [TableType] = []
        var memories: [WasmParser.Limits] = []
        var globals: [GlobalType] = []
        var globalInitializers: [ConstExpression] = []
        var tags: [TypeIndex] = []
        var exports: [Export] = []
        var nameSection: ArraySlice<UInt8>?
        var bodiesAreRestorable = true
        while let payload = try parser.parseNext() {
            switch payload {
            case .customSection(let section) where section.name == "name" && nameSection == nil:
                nameSection = section.bytes
            case .codeSection(let bodies):
                bodiesAreRestorable = StateScan.onlyMemoryAndGlobalsChange(bodies)
            case .typeSection(let groups):
                for group in groups {
                    for subtype in group.types {
                        if case .function(let type) = subtype.body { types.append(type) } else { types.append(nil) }
                    }
                }
            case .importSection(let entries): imports = entries
            case .functionSection(let indices): definedFunctionTypes = indices
            case .tableSection(let entries): tables += entries.map(\.type)
            case .memorySection(let entries): memories += entries.map(\.type)
            case .globalSection(let entries):
                globals += entries.map(\.type)
                globalInitializers += entries.map(\.initializer)
            case .tagSection(let entries): tags += entries.map(\.type)
            case .exportSection(let entries): exports = entries
            default: break
            }
        }
        func signature(_ index: TypeIndex) -> FunctionSignature {
            let type = Int(index) < types.count ? types[Int(index)] : nil
            return FunctionSignature(
                params: (type?.parameters ?? []).map { WasmValueType($0) },
                results: (type?.results ?? []).map { WasmValueType($0) })
        }
        var functionTypes: [TypeIndex] = []
        var importTables: [TableType] = []
        var importMemories: [WasmParser.Limits] = []
        var importGlobals: [GlobalType] = []
        var importTags: [TypeIndex] = []
        var described: [ModuleDescription.Import] = []
        var stubs: [(String, String, FunctionSignature)] = []
        for entry in imports {
            let entity: ModuleDescription.Entity
            switch entry.descriptor {
            case .function(let index):
                functionTypes.append(index)
                entity = .function(signature(index))
                stubs.append((entry.module, entry.name, signature(index)))
            case .table(let type):
                importTables.append(type)
                entity = .table(element: Self.name(of: type.elementType), min: type.limits.min, max: type.limits.max)
            case .memory(let limits):
                importMemories.append(limits)
                entity = .memory(min: limits.min, max: limits.max)
            case .global(let type):
                importGlobals.append(type)
                entity = .global(type: WasmValueType(type.valueType), mutable: type.mutability == .variable)
            case .tag(let index):
                importTags.append(index)
                entity = .tag(signature(index))
            }
            described.append(.init(module: entry.module, name: entry.name, entity: entity))
        }
        // Wasm 2.0: a global's initializer may read imported globals only
        // (WasmKit 0.4.2 accepts any earlier global, as a later proposal allows).
        for (index, initializer) in globalInitializers.enumerated() {
            for instruction in initializer {
                if case .globalGet(let read) = instruction, read >= UInt32(importGlobals.count) {
                    throw InvalidModule(message: "global \(importGlobals.count + index): initializer reads global \(read), which is not imported (unknown global)")
                }
            }
        }
        functionTypes += definedFunctionTypes
        let allTables = importTables + tables
        let allMemories = importMemories + memories
        let allGlobals = importGlobals + globals
        let allTags = importTags + tags
        let describedExports = exports.map { export -> ModuleDescription.Export in
            let entity: ModuleDescription.Entity
            switch export.descriptor {
            case .function(let index):
                entity = .function(Int(index) < functionTypes.count ? signature(functionTypes[Int(index)]) : .init(params: [], results: []))
            case .table(let index):
                let type = Int(index) < allTables.count ? allTables[Int(index)] : TableType(elementType: .funcRef, limits: WasmParser.Limits(min: 0))
                entity = .table(element: Self.name(of: type.elementType), min: type.limits.min, max: type.limits.max)
            case .memory(let index):
                let limits = Int(index) < allMemories.count ? allMemories[Int(index)] : WasmParser.Limits(min: 0)
                entity = .memory(min: limits.min, max: limits.max)
            case .global(let index):
                let type = Int(index) < allGlobals.count ? allGlobals[Int(index)] : GlobalType(mutability: .constant, valueType: .i32)
                entity = .global(type: WasmValueType(type.valueType), mutable: type.mutability == .variable)
            case .tag(let index):
                entity = .tag(Int(index) < allTags.count ? signature(allTags[Int(index)]) : .init(params: [], results: []))
            }
            return .init(name: export.name, entity: entity)
        }
        description = ModuleDescription(exports: describedExports, imports: described)
        importedFunctionTypes = stubs
        initialMemoryBytes = allMemories.map { $0.min.multipliedReportingOverflow(by: 65536).overflow ? .max : $0.min * 65536 }
        initialTableElements = allTables.map(\.limits.min)
        mutableGlobalIndices = allGlobals.indices.filter { allGlobals[$0].mutability == .variable }
        memoryCount = allMemories.count
        functionCount = functionTypes.count
        onlyMemoryAndGlobalsChange = bodiesAreRestorable
        namesMissingFunction = nameSection.map { Self.namesMissingFunction($0, functionCount: functionTypes.count) } ?? false
        var exportNames: [Int: String] = [:]
        // A module whose name section is removed before it runs (namesMissingFunction) has none.
        if nameSection != nil && !namesMissingFunction {
            for export in exports {
                if case .function(let index) = export.descriptor, exportNames[Int(index)] == nil {
                    exportNames[Int(index)] = export.name
                }
            }
        }
        exportNamesInTraces = exportNames
    }

    /// A backtrace frame's name for a function the `name` section does not name,
    /// as WasmKit 0.4.2 words it (so that both engines answer the same backtrace).
    func traceName(ofFunction index: Int) -> String {
        exportNamesInTraces[index] ?? "wasm function[\(index)]"
    }

    /// True when the `name` section's function map names an index past the module's
    /// functions. A section that does not parse is ignored by WasmKit, so it counts as fine.
    static func namesMissingFunction(_ section: ArraySlice<UInt8>, functionCount: Int) -> Bool {
        var names = NameSectionParser(stream: StaticByteStreamSource(bytes: Array(section)))
        guard let parsed = try? names.parseAll() else { return false }
        for case .functions(let map) in parsed where map.keys.contains(where: { Int($0) >= functionCount }) {
            return true
        }
        return false
    }

    /// A rule WasmKit does not check itself.
    struct InvalidModule: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    static func name(of type: ReferenceType) -> String {
        switch type.heapType {
        case .abstract(.funcRef): "funcref"
        case .abstract(.externRef): "externref"
        case .abstract(.exnRef): "exnref"
        default: "ref"
        }
    }
}

extension WasmValueType {
    /// Maps WasmKit's value type to the API's names.
    init(_ type: ValueType) {
        switch type {
        case .i32: self = .i32
        case .i64: self = .i64
        case .f32: self = .f32
        case .f64: self = .f64
        case .v128: self = .v128
        case .ref(let reference):
            switch reference.heapType {
            case .abstract(.funcRef): self = .funcref
            case .abstract(.externRef): self = .externref
            default: self = .otherRef
            }
        }
    }
}
