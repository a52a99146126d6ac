/// What a component exports and imports, with WIT types, as the API describes it.
public struct ComponentDescription: Sendable, Equatable {
    /// An exported function.
    public struct Function: Sendable, Equatable {
        /// The full name: `greet` at the top level, `example:demo/geo#area` in an exported interface.
        public let name: String
        public let params: [WITType.Field]
        public let result: WITType?
        /// Lifted with the component model's async ABI (`async func`).
        public let isAsync: Bool
        /// Why JSON cannot call this function, or `nil` when it can; worked out
        /// once here, since every invocation asks.
        public let notCallableReason: String?

        public init(name: String, params: [WITType.Field], result: WITType?, isAsync: Bool = false) {
            self.name = name
            self.params = params
            self.result = result
            self.isAsync = isAsync
            notCallableReason = isAsync
                ? "async functions need the component model's async ABI, which this host does not run"
                : params.lazy.compactMap(\.type.notCallableReason).first ?? result?.notCallableReason
        }

        /// The interface part of ``name`` (`example:demo/geo`), `nil` at the top level.
        public var interface: String? {
            name.firstIndex(of: "#").map { String(name[..<$0]) }
        }

        /// The name without its interface (`area`).
        public var plainName: String {
            name.firstIndex(of: "#").map { String(name[name.index(after: $0)...]) } ?? name
        }

        /// True for `run` of `wasi:cli/run` (a WASI 0.2 command).
        public var isCommandRun: Bool {
            plainName == "run" && (interface?.hasPrefix("wasi:cli/run@") ?? false)
        }
    }

    /// A type the component names (a type export at the top level or in an interface).
    public struct NamedType: Sendable, Equatable {
        public let name: String
        /// The interface that defines it, `nil` at the top level.
        public let interface: String?
        public let type: WITType

        public init(name: String, interface: String?, type: WITType) {
            self.name = name
            self.interface = interface
            self.type = type
        }
    }

    /// Exported functions, top level first, then by interface, in component order.
    public let functions: [Function]
    /// Named types, in component order.
    public let types: [NamedType]
    /// Imported instance and function names (`wasi:cli/stdout@0.2.0`).
    public let imports: [String]
    /// Interfaces the component exports.
    public let exportedInterfaces: [String]

    /// Every name an invoke path can use for a function (its full name, and its
    /// plain name when no other function has it), built once: each invocation looks up.
    private let byName: [String: Int]

    public init(functions: [Function], types: [NamedType], imports: [String], exportedInterfaces: [String]) {
        self.functions = functions
        self.types = types
        self.imports = imports
        self.exportedInterfaces = exportedInterfaces
        var byName: [String: Int] = [:]
        let plainCounts = Dictionary(functions.map { ($0.plainName, 1) }, uniquingKeysWith: +)
        for (index, function) in functions.enumerated().reversed() where plainCounts[function.plainName] == 1 {
            byName[function.plainName] = index
        }
        // Full names win over plain ones; the first of a repeated name wins.
        for (index, function) in functions.enumerated().reversed() { byName[function.name] = index }
        self.byName = byName
    }

    /// The function an invoke path names: its full name, or its plain name
    /// when no other function has that plain name.
    public func function(named name: String) -> Function? {
        byName[name].map { functions[$0] }
    }

    /// The names an invoke path can use, for error details.
    public var functionNames: [String] { functions.map(\.name) }

    /// The name of a nominal type, for signatures (`shape`), or `nil` when it has none.
    public func name(of type: WITType) -> String? {
        types.first { $0.type == type }?.name
    }

    /// A type as a WIT signature writes it: its name when it has one, else its structure.
    public func display(_ type: WITType) -> String {
        if let name = name(of: type) { return name }
        return WITText.structure(type, naming: self)
    }

    /// `greet(name: string) -> string`.
    public func signature(of function: Function) -> String {
        let params = function.params.map { "\($0.name): \(display($0.type))" }.joined(separator: ", ")
        return "\(function.plainName)(\(params))" + (function.result.map { " -> \(display($0))" } ?? "")
    }

    /// True when the component imports WASI 0.2 interfaces.
    public var usesWASI: Bool { imports.contains { $0.hasPrefix("wasi:") } }
}
