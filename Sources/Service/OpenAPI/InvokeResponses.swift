/// The answers an invocation can give besides `200`: one shared problem+json
/// schema (the service document's `Problem`), narrowed per status to the codes
/// an invocation of a stored function can answer.
enum InvokeResponses {
    /// One error answer.
    struct ErrorAnswer {
        /// The name under `components/responses`.
        let name: String
        let status: Int
        let codes: [ErrorCode]
        let description: String
    }

    /// Every error answer an invocation of one of the module's functions can give.
    /// `508` only when the module can re-enter; `401` only when auth is configured.
    static func errors(_ capabilities: ModuleCapabilities, authRequired: Bool) -> [ErrorAnswer] {
        var answers = [
            ErrorAnswer(
                name: "BadRequest", status: 400, codes: [.badRequest, .badArgs],
                description: "A bad body (not JSON, an unknown member, a wrong JSON type, both `input` and `input_base64`) or arguments that do not fit the signature."),
            ErrorAnswer(
                name: "ModuleNotFound", status: 404, codes: [.moduleNotFound],
                description: "The module was deleted."),
            ErrorAnswer(
                name: "TooLarge", status: 413, codes: [.tooLarge],
                description: "The body is over `limits.max_request_bytes`."),
            ErrorAnswer(
                name: "GuestFailed", status: 422, codes: [.trap, .fuelExhausted, .limitExceeded],
                description: "The guest trapped, used its whole fuel budget (`limit`), or needs more than a configured limit. Carries `fuel_used`, `duration_us` and what the guest wrote before it failed."),
            ErrorAnswer(
                name: "Internal", status: 500, codes: [.internal],
                description: "A bug, or the module store failed to read; never caused by what a client sends."),
            ErrorAnswer(
                name: "Unavailable", status: 503, codes: [.overloaded, .notReady, .storageUnavailable],
                description: "Too many invocations running and queued, the shared module registry cannot be reached to load the module (both with `Retry-After`), or the server is draining."),
            ErrorAnswer(
                name: "Timeout", status: 504, codes: [.timeout],
                description: "The invocation passed its wall-clock deadline (`timeout_ms`)."),
        ]
        if authRequired {
            answers.insert(
                ErrorAnswer(
                    name: "Unauthorized", status: 401, codes: [.unauthorized],
                    description: "The bearer token is missing or wrong."),
                at: 1)
        }
        if capabilities.reentrant {
            answers.append(ErrorAnswer(
                name: "ReentrancyLoop", status: 508, codes: [.reentrancyLoop],
                description: "The reentrancy guard stopped an import/export loop (`chain`, `reason`)."))
        }
        return answers
    }

    /// The `components/responses` entry of `answer`.
    static func response(_ answer: ErrorAnswer) -> JSONValue {
        let codes = answer.codes.map { JSONValue.string($0.rawValue) }
        let schema = JSONValue.object([("allOf", .array([
            .object([("$ref", .string("#/components/schemas/Problem"))]),
            // Only `code` is narrowed: generators (openapi-python-client) cannot merge a
            // `status` const into the shared schema's integer and drop the whole answer.
            .object([("properties", .object([("code", .object([("enum", .array(codes))]))]))]),
        ]))])
        var headers: [(String, JSONValue)] = [("X-Request-Id", reference("headers", "X-Request-Id"))]
        if answer.status == 503 { headers.append(("Retry-After", reference("headers", "Retry-After"))) }
        let codeList = answer.codes.map { "`\($0.rawValue)`" }.joined(separator: ", ")
        return .object([
            ("description", .string("\(answer.description) Codes: \(codeList).")),
            ("headers", .object(headers)),
            ("content", .object([("application/problem+json", .object([("schema", schema)]))])),
        ])
    }

    static func reference(_ section: String, _ name: String) -> JSONValue {
        .object([("$ref", .string("#/components/\(section)/\(name)"))])
    }
}
