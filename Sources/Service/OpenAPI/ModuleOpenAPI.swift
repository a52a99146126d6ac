/// The OpenAPI 3.1 document of one stored module (`GET /v1/modules/{ref}/openapi.json`):
/// an operation per callable export at `POST /v1/modules/{id}/invoke/{export}`,
/// with request and result schemas from the export's types (``ValueRule``).
enum ModuleOpenAPI {
    /// The document for module `id` (`names` only label it).
    static func document(
        id: String, names: [String], exports: [CallableExport], capabilities: ModuleCapabilities, authRequired: Bool
    ) -> JSONValue {
        let errors = InvokeResponses.errors(capabilities, authRequired: authRequired)
        var paths: [(String, JSONValue)] = []
        var schemas: [(String, JSONValue)] = [
            ("Problem", shared("schemas", "Problem")), ("ErrorCode", shared("schemas", "ErrorCode")),
        ]
        let operationIDs = OperationNames.operationIDs(exports.map(\.name))
        for (export, (operationID, typeName)) in zip(exports, zip(operationIDs, OperationNames.typeNames(operationIDs))) {
            schemas.append(("\(typeName)Request", InvokeSchemas.request(export, capabilities)))
            schemas.append(("\(typeName)Result", InvokeSchemas.result(export, capabilities)))
            let path = "/v1/modules/\(id)/invoke/\(OperationNames.pathSegment(export.name))"
            paths.append((path, .object([("post", operation(export, operationID, typeName, errors))])))
        }
        var components: [(String, JSONValue)] = [
            ("schemas", .object(schemas)),
            ("responses", .object(errors.map { ($0.name, InvokeResponses.response($0)) })),
            ("headers", .object([
                ("X-Request-Id", shared("headers", "X-Request-Id")), ("Retry-After", shared("headers", "Retry-After")),
            ])),
        ]
        var document: [(String, JSONValue)] = [
            ("openapi", .string("3.1.0")),
            ("info", .object([
                ("title", .string("wasmhost module \(names.first ?? String(id.prefix(12)))")),
                ("version", .string("1")),
                ("description", .string(
                    "The exports of the WebAssembly module `\(id)` as an HTTP API. Each operation runs the export in a new instance. Arguments and results follow the wasmhost value rules: integers are exact (also as decimal or `0x` hex strings in arguments), floats keep `nan`/`inf` and exact bits (`{\"bits\": …}`)."
                )),
            ])),
            ("paths", .object(paths)),
        ]
        if authRequired {
            components.append(("securitySchemes", .object([("bearerAuth", shared("securitySchemes", "bearerAuth"))])))
            document.append(("security", .array([.object([("bearerAuth", .array([]))])])))
        }
        document.append(("components", .object(components)))
        return .object(document)
    }

    /// The relative URL of module `id`'s document.
    static func url(id: String) -> String { "/v1/modules/\(id)/openapi.json" }

    private static func operation(
        _ export: CallableExport, _ operationID: String, _ typeName: String, _ errors: [InvokeResponses.ErrorAnswer]
    ) -> JSONValue {
        var description = "Invokes the export `\(export.name)`: `\(export.signature)`."
        if let documentation = export.documentation { description += "\n\n```\n\(documentation)\n```" }
        let body: JSONValue = .object([
            ("required", .bool(!export.parameters.isEmpty)),
            ("content", .object([("application/json", .object([
                ("schema", InvokeResponses.reference("schemas", "\(typeName)Request")),
            ]))])),
        ])
        var responses: [(String, JSONValue)] = [
            ("200", .object([
                ("description", .string("The export returned.")),
                ("headers", .object([("X-Request-Id", InvokeResponses.reference("headers", "X-Request-Id"))])),
                ("content", .object([("application/json", .object([
                    ("schema", InvokeResponses.reference("schemas", "\(typeName)Result")),
                ]))])),
            ])),
        ]
        responses += errors.map { (String($0.status), InvokeResponses.reference("responses", $0.name)) }
        return .object([
            ("operationId", .string(operationID)),
            ("summary", .string(export.signature)),
            ("description", .string(description)),
            ("requestBody", body),
            ("responses", .object(responses)),
        ])
    }

    /// A part of the service's own `/openapi.json`, so both documents share one
    /// problem schema, one error code list and one set of headers.
    private static func shared(_ section: String, _ name: String) -> JSONValue {
        OpenAPIDocument.component(section, name) ?? .object([])
    }
}
