/// A function export a call names, found in a module's description.
///
/// The one place where a call's export and arguments are checked: the
/// Service resolves the export once (before converting JSON by its
/// signature), and the engines run the resulting ``ExportCall`` without
/// checking it again.
public struct CallTarget: Sendable {
    /// The export name.
    public let export: String
    /// Its parameters and results.
    public let signature: FunctionSignature

    /// Finds the function export `export` of `description`.
    /// - Throws: `exportNotFound` (naming the function exports) or `notAFunction`.
    public init(export: String, in description: ModuleDescription) throws(SandboxError) {
        guard let signature = description.function(named: export) else {
            if let other = description.exports.first(where: { $0.name == export }) {
                throw .notAFunction(name: export, kind: other.entity.kind)
            }
            throw .exportNotFound(name: export, functions: description.functionNames)
        }
        self.export = export
        self.signature = signature
    }

    /// Throws `badArgs` unless the call passes one argument per parameter.
    private func checkArgumentCount(_ count: Int) throws(SandboxError) {
        let expected = signature.params.count
        guard count == expected else {
            throw .badArgs("\(signature.display(name: export)) takes \(expected) argument\(expected == 1 ? "" : "s"), got \(count)")
        }
    }

    /// The call of this export with `arguments`.
    /// - Throws: `badArgs` when their number or types do not match the parameters.
    public func call(with arguments: [WasmValue]) throws(SandboxError) -> ExportCall {
        try call(converting: arguments) { argument, type, index throws(SandboxError) in
            guard argument.type == type else {
                throw .badArgs("\(signature.display(name: export)): argument \(index + 1) is \(argument.type.rawValue), not \(type.rawValue)")
            }
            return argument
        }
    }

    /// The call of this export with `values` converted by `convert`, which is
    /// given each value with its parameter's type and index, and must give a
    /// value of that type (or throw `badArgs`).
    /// - Throws: `badArgs` when the number of values is not the number of parameters.
    public func call<Value>(
        converting values: [Value], by convert: (Value, WasmValueType, Int) throws(SandboxError) -> WasmValue
    ) throws(SandboxError) -> ExportCall {
        try checkArgumentCount(values.count)
        var arguments: [WasmValue] = []
        arguments.reserveCapacity(values.count)
        for (index, (value, type)) in zip(values, signature.params).enumerated() {
            arguments.append(try convert(value, type, index))
        }
        return ExportCall(target: self, arguments: arguments)
    }
}

/// A call of a function export with arguments that match its signature: only
/// ``CallTarget`` makes one, so an ``InvocationRequest`` always
/// holds a checked call.
public struct ExportCall: Sendable {
    /// The export called and its signature.
    public let target: CallTarget
    /// One value per parameter, of the parameter's type.
    public let arguments: [WasmValue]

    /// Resolves `export` in `description` and checks `arguments` against it.
    public init(export: String, arguments: [WasmValue], in description: ModuleDescription) throws(SandboxError) {
        self = try CallTarget(export: export, in: description).call(with: arguments)
    }

    fileprivate init(target: CallTarget, arguments: [WasmValue]) {
        self.target = target
        self.arguments = arguments
    }
}
