import HTTPServer
import ModuleStore
import Sandbox

extension WasmhostService {
    /// `POST /v1/modules[?name=]`: validate, store durably, then answer.
    func upload(_ request: HTTPRequest) throws(APIError) -> HTTPResponse {
        var name: String?
        for parameter in request.query {
            guard PercentDecoding.decode(parameter.name, plusAsSpace: true) == "name" else {
                throw APIError(.badRequest, "unknown query parameter '\(parameter.name.prefix(64))'; allowed: name")
            }
            guard let decoded = PercentDecoding.decode(parameter.value, plusAsSpace: true),
                ModuleReference.isValidName(decoded)
            else {
                throw APIError(.badRequest, "name must match [a-z0-9][a-z0-9._-]{0,63} and not be 64 hex digits")
            }
            name = decoded
        }
        guard !request.body.isEmpty else { throw APIError(.emptyBody, "the upload has no bytes") }
        let module: CompiledModule
        let binary: [UInt8]
        do {
            binary = try compiler.binary(from: request.body)
            module = try compiler.compile(binary: binary, id: ModuleStore.id(of: binary))
        } catch {
            throw APIError(error)
        }
        let stored: PutResult
        do { stored = try store.put(binary, name: name) } catch { throw APIError(error) }
        cache.insert(module)
        guard let body = describe(stored.record, module: module) else {
            throw APIError(.internal, "the stored module could not be described")
        }
        return Self.json(stored.created ? 201 : 200, body, headers: [("Location", "/v1/modules/\(stored.record.id)")])
    }

    /// `DELETE /v1/modules/{ref}`.
    func delete(_ ref: String, exchange: Exchange) throws(APIError) -> HTTPResponse {
        let record: ModuleRecord
        do { record = try store.delete(ref) } catch { throw APIError(error) }
        exchange.moduleID = record.id
        cache.remove(record.id)
        return HTTPResponse(status: 204)
    }

    /// The description of a stored module, compiling it if it is not cached.
    func describe(_ record: ModuleRecord, module: CompiledModule? = nil) -> JSONValue? {
        guard let compiled = module ?? (try? directory.compiled(id: record.id)) else { return nil }
        return DescriptionJSON.json(
            compiled.description, id: record.id, names: record.names, size: record.size, createdAt: record.createdAt)
    }
}
