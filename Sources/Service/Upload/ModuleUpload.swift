import HTTPServer
import ModuleStore
import Sandbox

/// An upload with its framing removed: the module's bytes and the name to point
/// at them. `POST /v1/modules?name=`, `PUT /v1/modules/{name}` and a
/// `multipart/form-data` body (`curl -F file=@m.wasm -F name=calc`) all end here.
struct ModuleUpload {
    var bytes: [UInt8]
    var name: String?
    /// The body came as `application/x-www-form-urlencoded`, the type `curl -d`
    /// sends; `curl -d` also strips newlines, so an error gets a hint.
    var sentAsURLEncodedForm: Bool

    /// Reads an upload. `pathName` is the `{name}` of a `PUT`.
    init(_ request: HTTPRequest, pathName: String?) throws(APIError) {
        name = try Self.queryName(request.query, allowed: pathName == nil)
        if let pathName {
            guard ModuleReference.isValidName(pathName) else {
                throw APIError(.badRequest, pathName.utf8.count == 64 && pathName.allSatisfy(\.isHexDigit)
                    ? "PUT takes a name, not an id; to upload without a name, POST /v1/modules"
                    : "name '\(pathName.prefix(64))' must match \(Self.namePattern)")
            }
            name = pathName
        }
        let contentType = request.header("content-type") ?? ""
        sentAsURLEncodedForm = contentType.lowercased().hasPrefix("application/x-www-form-urlencoded")
        bytes = request.body
        // The bytes decide: a binary is a binary whatever the Content-Type says.
        guard !ModuleCompiler.isBinary(request.body) else { return }
        let boundary: String?
        do { boundary = try MultipartForm.boundary(ofContentType: contentType) } catch {
            throw APIError(.badRequest, error.reason)
        }
        guard let boundary else { return }
        try readForm(request.body, boundary: boundary)
    }

    static let namePattern = "[a-z0-9][a-z0-9._-]{0,63} and not be 64 hex digits"


    /// One file part holds the module; a `name` field works like `?name=`.
    private mutating func readForm(_ body: [UInt8], boundary: String) throws(APIError) {
        let form: MultipartForm
        do { form = try MultipartForm(body, boundary: boundary) } catch {
            throw APIError(.badRequest, "the multipart/form-data body is malformed: \(error.reason)")
        }
        let nameFields = form.parts.filter { $0.fieldName == "name" && $0.fileName == nil }
        let moduleParts = form.parts.filter { !($0.fieldName == "name" && $0.fileName == nil) }
        guard moduleParts.count == 1, let module = moduleParts.first else {
            throw APIError(.badRequest, """
                a multipart upload needs exactly one file part, got \(moduleParts.count); \
                send curl -F file=@module.wasm [-F name=NAME]
                """)
        }
        if let field = nameFields.first {
            guard nameFields.count == 1, name == nil else {
                throw APIError(.badRequest, "give the name once: in ?name=, the path or one name form field")
            }
            guard let text = String(validating: field.bytes, as: UTF8.self), ModuleReference.isValidName(text) else {
                throw APIError(.badRequest, "the name form field must match \(Self.namePattern)")
            }
            name = text
        }
        bytes = Array(module.bytes)
    }

    /// The `name` query parameter, given at most once and only where allowed.
    private static func queryName(_ query: [(name: String, value: String)], allowed: Bool) throws(APIError) -> String? {
        var name: String?
        for parameter in query {
            guard allowed, PercentDecoding.decode(parameter.name, plusAsSpace: true) == "name" else {
                throw APIError(.badRequest, "unknown query parameter '\(parameter.name.prefix(64))'; allowed: \(allowed ? "name" : "none")")
            }
            guard name == nil else { throw APIError(.badRequest, "the query parameter name is given twice") }
            guard let decoded = PercentDecoding.decode(parameter.value, plusAsSpace: true),
                ModuleReference.isValidName(decoded)
            else {
                throw APIError(.badRequest, "name must match \(namePattern)")
            }
            name = decoded
        }
        return name
    }
}
