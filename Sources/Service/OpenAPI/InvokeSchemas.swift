/// The request and `200` body schemas of one export's invocation.
enum InvokeSchemas {
    /// The body of `POST …/invoke/{export}`: `args` exactly as the export's
    /// parameters take them, and the members every invocation takes
    /// (`wasi` only for a module that imports WASI).
    static func request(_ export: CallableExport, _ capabilities: ModuleCapabilities) -> JSONValue {
        var properties: [(String, JSONValue)] = [("args", arguments(export))]
        properties += [
            ("input", string("Input for `host.input_*`, as UTF-8 text.")),
            ("input_base64", .object([
                ("type", .string("string")), ("contentEncoding", .string("base64")),
                ("description", .string("Input for `host.input_*`, base64.")),
            ])),
            ("fuel", positive("Fuel budget; above the server's limit it is clamped to it.")),
            ("timeout_ms", positive("Wall-clock deadline in milliseconds; above the server's limit it is clamped to it.")),
        ]
        if capabilities.wasi { properties.append(("wasi", wasiOptions)) }
        var members: [(String, JSONValue)] = [
            ("type", .string("object")), ("properties", .object(properties)), ("additionalProperties", .bool(false)),
        ]
        if !export.parameters.isEmpty { members.append(("required", .array([.string("args")]))) }
        members.append(("not", .object([("required", .array([.string("input"), .string("input_base64")]))])))
        return .object(members)
    }

    /// `args`: the positional array; with named parameters (components) also an object.
    private static func arguments(_ export: CallableExport) -> JSONValue {
        let positional = ValueSchema.tuple(export.parameters.map { ValueSchema.schema($0.rule) })
        let names = export.parameters.compactMap(\.name)
        guard !names.isEmpty, names.count == export.parameters.count else { return positional }
        let named = ValueSchema.schema(.record(export.parameters.map {
            ValueRule.Field(name: $0.name ?? "", rule: $0.rule, mayBeOmitted: $0.rule.isOption)
        }))
        return .object([("oneOf", .array([positional, named]))])
    }

    /// The `200` body: `results` of exactly the export's types, the streams the
    /// module can produce, `fuel_used` and `duration_us`. Unknown members are
    /// allowed, so that clients keep working when answers gain members.
    static func result(_ export: CallableExport, _ capabilities: ModuleCapabilities) -> JSONValue {
        var results = ValueSchema.tuple(export.results.map(ValueSchema.schema))
        if capabilities.wasi && !export.results.isEmpty {
            // proc_exit ends the call with no results.
            results = .object([("anyOf", .array([results, ValueSchema.tuple([])]))])
        }
        var properties: [(String, JSONValue)] = [("results", results)]
        if capabilities.output {
            properties.append(("output", string("Bytes written by `host.output_write`, when valid UTF-8.")))
            properties.append(("output_base64", base64("The same, when the bytes are not valid UTF-8.")))
        }
        if capabilities.logs {
            properties.append(("logs", .object([
                ("type", .string("array")), ("items", .object([("type", .string("string"))])),
                ("description", .string("Lines from `host.log`.")),
            ])))
        }
        if capabilities.wasi {
            properties += [
                ("stdout", string("WASI stdout, when valid UTF-8.")), ("stdout_base64", base64("WASI stdout otherwise.")),
                ("stderr", string("WASI stderr, when valid UTF-8.")), ("stderr_base64", base64("WASI stderr otherwise.")),
                ("exit_code", .object([
                    ("type", .string("integer")), ("minimum", .number(String(Int32.min))),
                    ("maximum", .number(String(Int32.max))),
                    ("description", .string("The WASI exit status (0 when the command returns).")),
                ])),
            ]
        }
        let streams = capabilities.streams
        if !streams.isEmpty {
            properties.append(("truncated", .object([
                ("type", .string("array")), ("uniqueItems", .bool(true)),
                ("items", .object([("type", .string("string")), ("enum", .array(streams.map { .string($0) }))])),
                ("description", .string("Streams cut at `limits.max_output_bytes`.")),
            ])))
        }
        properties.append(("fuel_used", count("Fuel the invocation used.")))
        properties.append(("duration_us", count("How long the invocation ran, in microseconds.")))
        return .object([
            ("type", .string("object")),
            ("required", .array([.string("results"), .string("fuel_used"), .string("duration_us")])),
            ("properties", .object(properties)),
        ])
    }

    private static let wasiOptions = JSONValue.object([
        ("type", .string("object")), ("additionalProperties", .bool(false)),
        ("properties", .object([
            ("args", .object([
                ("type", .string("array")), ("items", noNUL),
                ("description", .string("argv; defaults to `[export name]`.")),
            ])),
            ("env", .object([
                ("type", .string("object")),
                ("propertyNames", .object([("pattern", .string("^[^=\\x00]*$"))])),
                ("additionalProperties", noNUL),
            ])),
            ("stdin", string("Bytes for `fd_read` on stdin (UTF-8).")),
        ])),
    ])

    /// A string without NUL characters (WASI args and environment cannot carry them).
    private static let noNUL = JSONValue.object([("type", .string("string")), ("pattern", .string("^[^\\x00]*$"))])

    private static func string(_ description: String) -> JSONValue {
        .object([("type", .string("string")), ("description", .string(description))])
    }

    private static func base64(_ description: String) -> JSONValue {
        .object([("type", .string("string")), ("contentEncoding", .string("base64")), ("description", .string(description))])
    }

    private static func positive(_ description: String) -> JSONValue {
        .object([("type", .string("integer")), ("minimum", .number("1")), ("description", .string(description))])
    }

    private static func count(_ description: String) -> JSONValue {
        .object([("type", .string("integer")), ("minimum", .number("0")), ("description", .string(description))])
    }
}

extension ValueRule {
    /// True for `option<T>`, which a record argument may leave out.
    var isOption: Bool {
        if case .option = self { return true }
        return false
    }
}
