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
            if !ModuleCompiler.isBinary(upload.bytes) && UploadHints.hasNoModuleFields(binary) {
                throw UploadHints.noModuleFields
            }
            module = try compiler.compile(binary: binary, id: ModuleStore.id(of: binary))
        } catch let error as SandboxError {
            throw UploadHints.annotate(APIError(error), upload: upload)
        } catch let error as APIError {
            throw error
        } catch {
            var failure = APIError(.internal, APIError.internalDetail)
            failure.cause = "compiling an upload: \(error)"
            throw failure
        }
        let description = DescriptionJSON.stored(module)
        let stored: PutResult
        do { stored = try store.put(binary, name: upload.name, description: description) } catch { throw APIError(error) }
        cache.insert(module)
        var writer = JSONWriter(capacity: description.count + 256)
        DescriptionJSON.write(stored.record, stored: stored.record.description ?? description, into: &writer)
        return HTTPResponse(
            status: stored.created ? 201 : 200,
            headers: [("Content-Type", "application/json"), ("Location", "/v1/modules/\(stored.record.id)")],
            body: writer.bytes)
    }

    /// `DELETE /v1/modules/{ref}`.
    func delete(_ ref: String, exchange: Exchange) throws(APIError) -> HTTPResponse {
        let record: ModuleRecord
        do { record = try store.delete(ref) } catch { throw APIError(error) }
        exchange.moduleID = record.id
        cache.remove(record.id)
        compiler.forget(id: record.id)
        return HTTPResponse(status: 204)
    }

    /// Descriptions up to this many stored bytes are answered on the event thread;
    /// larger ones (modules with many thousands of exports) on the control pool.
    static let inlineDescriptionBytes = 64 << 10

    /// `GET /v1/modules` and `GET /v1/modules/{ref}`: stored descriptions only,
    /// never a parse or a compile.
    func describing(_ records: [ModuleRecord], asList: Bool, exchange: Exchange) -> HTTPHandling {
        let size = records.reduce(0) { $0 + ($1.description?.count ?? 0) + 256 }
        let answer: @Sendable () throws(APIError) -> HTTPResponse = { [self] () throws(APIError) in
            var writer = JSONWriter(capacity: size + 16)
            if asList { writer.writeRaw(Array(#"{"modules":["#.utf8)) }
            var written = 0
            for record in records {
                // A module stored without a description (in PostgreSQL before schema
                // version 2): made from the compiled module, only ever here, on the control pool.
                guard let stored = record.description ?? (try? directory.compiled(id: record.id)).map({
                    DescriptionJSON.stored($0)
                }) else { continue }
                if written > 0 { writer.writeRaw([UInt8(ascii: ",")]) }
                DescriptionJSON.write(record, stored: stored, into: &writer)
                written += 1
            }
            if asList { writer.writeRaw(Array("]}".utf8)) }
            if !asList && written == 0, let record = records.first { throw unavailableOrNotFound(record.id) }
            return HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: writer.bytes)
        }
        let allStored = records.allSatisfy { $0.description != nil }
        if allStored && size <= Self.inlineDescriptionBytes {
            do throws(APIError) { return .respond(finish(try answer(), exchange)) } catch { return .respond(finish(problem(error, exchange), exchange)) }
        }
        return onControlThread(exchange, answer)
    }

    /// Stores a description for every module kept from before descriptions were
    /// stored (or whose description file is unreadable). Run once at start-up,
    /// before serving: it compiles those modules.
    public func describeStoredModules() {
        guard let directoryStore = store as? ModuleStore else { return }
        for record in directoryStore.list() {
            if let stored = record.description, (try? JSONParser.parse(stored)) != nil { continue }
            do {
                let module = try directory.compiled(id: record.id)
                try directoryStore.attachDescription(DescriptionJSON.stored(module), to: record.id)
                logger.info("stored the description of a module", metadata: ["module_id": "\(record.id)"])
            } catch {
                logger.error("cannot describe a stored module", metadata: ["module_id": "\(record.id)", "error": "\(error)"])
            }
        }
    }
}
