import Sandbox

/// One callable export as a module's OpenAPI document describes it: its
/// parameters and results as ``ValueRule``s, and the text that documents it.
///
/// Core modules build these from their signatures (``core(_:)``). This is the
/// extension point for components: build them from WIT function types, with
/// named parameters (the document then also offers `args` as an object) and
/// the WIT text as `documentation`. The invoke route reads a call's arguments
/// through the matching ``CallArguments``.
struct CallableExport: Sendable {
    /// One parameter.
    struct Parameter: Sendable {
        /// The WIT parameter name; `nil` for core parameters, which have none.
        let name: String?
        let rule: ValueRule
    }

    /// The export name, as in the invoke path.
    let name: String
    let parameters: [Parameter]
    /// Rules of the results, in order.
    let results: [ValueRule]
    /// One line, e.g. `add(i32, i32) -> i32`.
    let signature: String
    /// More text (a component's WIT), if any.
    let documentation: String?

    /// The function exports of a core module that an invoke path can name
    /// (an empty name would be an empty path segment, which no route has).
    static func core(_ description: ModuleDescription) -> [CallableExport] {
        description.exports.compactMap { export in
            guard case .function(let signature) = export.entity, !export.name.isEmpty else { return nil }
            return CallableExport(
                name: export.name,
                parameters: signature.params.map { Parameter(name: nil, rule: .argument(for: $0)) },
                results: signature.results.map { .result(for: $0) },
                signature: signature.display(name: export.name), documentation: nil)
        }
    }
}

/// What invocations of a module can answer besides its results, from its imports.
struct ModuleCapabilities: Sendable, Equatable {
    /// `logs` (`host.log`).
    var logs = false
    /// `output` / `output_base64` (`host.output_write`).
    var output = false
    /// The `wasi` request member; `stdout`, `stderr`, `exit_code`; `results` may be `[]` after `proc_exit`.
    var wasi = false
    /// `host.call` / `host.invoke`: guest code runs again inside a call, so `508 reentrancy_loop` is possible.
    var reentrant = false

    /// The capabilities of a core module with these imports. A module that calls
    /// `host.invoke` may get logs and output from the modules it calls.
    init(imports: [ModuleDescription.Import]) {
        for entry in imports {
            switch (entry.module, entry.name) {
            case (ProvidedImports.wasiModule, _): wasi = true
            case (ProvidedImports.hostModule, "log"): logs = true
            case (ProvidedImports.hostModule, "output_write"): output = true
            case (ProvidedImports.hostModule, "call"): reentrant = true
            case (ProvidedImports.hostModule, "invoke"):
                reentrant = true
                logs = true
                output = true
            default: break
            }
        }
    }

    /// The output streams answers can carry (and `truncated` can name).
    var streams: [String] {
        (output ? ["output"] : []) + (logs ? ["logs"] : []) + (wasi ? ["stdout", "stderr"] : [])
    }
}
