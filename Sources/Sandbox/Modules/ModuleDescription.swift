/// What a module exports and imports, with full types, as the API describes it.
public struct ModuleDescription: Sendable, Equatable {
    /// One export or import entry.
    public enum Entity: Sendable, Equatable {
        case function(FunctionSignature)
        case memory(min: UInt64, max: UInt64?)
        case table(element: String, min: UInt64, max: UInt64?)
        case global(type: WasmValueType, mutable: Bool)
        case tag(FunctionSignature)
    }

    /// An exported entity.
    public struct Export: Sendable, Equatable {
        public let name: String
        public let entity: Entity
    }

    /// An imported entity.
    public struct Import: Sendable, Equatable {
        public let module: String
        public let name: String
        public let entity: Entity
    }

    /// Exports in module order.
    public let exports: [Export]
    /// Imports in module order.
    public let imports: [Import]

    /// The signature of the function export `name`, if there is one.
    public func function(named name: String) -> FunctionSignature? {
        for export in exports where export.name == name {
            if case .function(let signature) = export.entity { return signature }
        }
        return nil
    }

    /// The names of every function export, for error details.
    public var functionNames: [String] {
        exports.compactMap { export in
            if case .function = export.entity { return export.name }
            return nil
        }
    }
}

extension ModuleDescription.Entity {
    /// The API's `kind` string.
    public var kind: String {
        switch self {
        case .function: "func"
        case .memory: "memory"
        case .table: "table"
        case .global: "global"
        case .tag: "tag"
        }
    }
}
