import Sandbox

/// An export resolved for a call: reads the call's JSON `args` into the
/// checked Sandbox call it runs. The one step between an invoke body and the
/// Sandbox, for the HTTP route and `wasmhost run` alike.
///
/// Core function exports read `args` by their signature (``CallTarget``,
/// through ``ValueCodec``). This is where component exports (WIT-typed, JSON
/// arguments) plug in their own conversion; ``WasmhostService/callable(_:export:)``
/// picks the kind for a module.
protocol CallArguments: Sendable {
    /// The checked call for `args`, or `bad_args` naming the export's signature.
    func call(with args: [JSONValue]) throws(APIError) -> ExportCall
}

extension CallTarget: CallArguments {
    func call(with args: [JSONValue]) throws(APIError) -> ExportCall {
        try ValueCodec.call(args, for: self)
    }
}
