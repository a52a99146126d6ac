/// A WebAssembly value type, as the API names it.
public enum WasmValueType: String, Sendable, Hashable {
    case i32, i64, f32, f64, v128, funcref, externref
    /// Any other reference type (exnref, typed references); shown by its name.
    case otherRef = "ref"
}

/// A function's parameter and result types.
public struct FunctionSignature: Sendable, Equatable {
    /// Parameter types in order.
    public let params: [WasmValueType]
    /// Result types in order.
    public let results: [WasmValueType]

    /// Creates a signature.
    public init(params: [WasmValueType], results: [WasmValueType]) {
        self.params = params
        self.results = results
    }

    /// `name(i32, i32) -> i32`, the form used in error details.
    public func display(name: String) -> String {
        let arguments = params.map(\.rawValue).joined(separator: ", ")
        let output: String
        switch results.count {
        case 0: output = "()"
        case 1: output = results[0].rawValue
        default: output = "(" + results.map(\.rawValue).joined(separator: ", ") + ")"
        }
        return "\(name)(\(arguments)) -> \(output)"
    }
}
