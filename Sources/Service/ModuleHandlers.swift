import HTTPServer
import ModuleStore
import Sandbox

extension WasmhostService {
    /// `POST /v1/modules[?name=]` and `PUT /v1/modules/{name}`: validate, store
    /// durably, then answer. `pathName` is the `{name}` of a `PUT`.
    func upload(_ request: HTTPRequest, pathName: String? = nil) throws(APIError) -> HTTPResponse {
        let upload = try ModuleUpload(request, pathName: pathName)
        guard !upload.bytes.isEmpty else { throw APIError(.emptyBody, "the upload has no bytes") }
        let module: CompiledModule
        let binary: [UInt8]
        do {
            binary = try compiler.binary(from: upload.bytes)
            if !ModuleUpload.isBinary(upload.bytes) && UploadHints.hasNoModuleFields(binary) {
                throw UploadHints.noModuleFields
            }
            module = try compiler.compile(binary: binary, id: ModuleStore.id(of: binary))
        } catch let error as SandboxError {
            throw UploadHints.annotate(APIError(error), upload: upload)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(.internal, "unexpected failure while compiling an upload")
        }
        let stored: PutResult
        do { stored = try store.put(binary, name: upload.name) } catch { throw APIError(error) }
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
