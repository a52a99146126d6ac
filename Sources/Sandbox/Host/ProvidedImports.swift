import WasmKit
import WasmKitWASI

/// The imports this host provides, and the check every upload goes through.
public struct ProvidedImports: Sendable {
    /// Module name of the sandbox's own functions.
    public static let hostModule = "host"
    /// Module name of WASI preview 1.
    public static let wasiModule = "wasi_snapshot_preview1"

    /// The `host` functions and their types, as API.md lists them.
    public static let host: [String: FunctionSignature] = [
        "log": .init(params: [.i32, .i32], results: []),
        "input_size": .init(params: [], results: [.i32]),
        "input_read": .init(params: [.i32, .i32], results: [.i32]),
        "output_write": .init(params: [.i32, .i32], results: []),
        "call": .init(params: [.i32, .i32, .i64], results: [.i64]),
        "invoke": .init(params: [.i32, .i32, .i32, .i32, .i64], results: [.i64]),
    ]

    /// The WASI preview 1 functions WasmKitWASI implements, read from it once.
    public static let wasi: [String: FunctionSignature] =
        (WASIFunctionList.self as any WASIFunctionSource.Type).signatures()

    /// Refuses any import the host does not provide, or provides with another type.
    static func check(_ imports: [ModuleDescription.Import]) throws(SandboxError) {
        for entry in imports {
            let table: [String: FunctionSignature]
            switch entry.module {
            case hostModule: table = host
            case wasiModule: table = wasi
            default:
                throw .unknownImport(
                    "\(entry.module).\(entry.name) is not provided; this host provides the modules "
                        + "'host' (\(host.keys.sorted().joined(separator: ", "))) and 'wasi_snapshot_preview1'")
            }
            guard let expected = table[entry.name] else {
                throw .unknownImport(
                    "\(entry.module).\(entry.name) is not provided; '\(entry.module)' provides "
                        + table.keys.sorted().joined(separator: ", "))
            }
            guard case .function(let actual) = entry.entity else {
                throw .importTypeMismatch(
                    "\(entry.module).\(entry.name) is imported as a \(entry.entity.kind), "
                        + "but it is the function \(expected.display(name: entry.name))")
            }
            guard actual == expected else {
                throw .importTypeMismatch(
                    "\(entry.module).\(entry.name) is imported as \(actual.display(name: entry.name)), "
                        + "but the host provides \(expected.display(name: entry.name))")
            }
        }
    }
}

/// Reads the WASI functions WasmKitWASI provides. `hostModules` is deprecated but
/// is its only public listing; calling through this protocol keeps the build free
/// of warnings while the deprecation is confined to one place.
private protocol WASIFunctionSource {
    static func signatures() -> [String: FunctionSignature]
}

private enum WASIFunctionList: WASIFunctionSource {
    @available(*, deprecated, message: "reads WasmKitWASI's deprecated hostModules listing")
    static func signatures() -> [String: FunctionSignature] {
        guard let bridge = try? WASIBridgeToHost(args: [], environment: [:], preopens: [WASIBridgeToHost.Preopen]())
        else { return [:] }
        defer { try? bridge.close() }
        var table: [String: FunctionSignature] = [:]
        for (name, function) in bridge.hostModules[ProvidedImports.wasiModule]?.functions ?? [:] {
            table[name] = FunctionSignature(
                params: function.type.parameters.map { WasmValueType($0) },
                results: function.type.results.map { WasmValueType($0) })
        }
        return table
    }
}
