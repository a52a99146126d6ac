import ModuleStore

extension WasmhostService {
    /// `GET /v1/modules/{ref}/openapi.json`: the module's exports as an OpenAPI 3.1 document.
    func moduleOpenAPI(_ ref: String, exchange: Exchange) throws(APIError) -> JSONValue {
        guard let record = store.resolve(ref), let module = try? directory.compiled(id: record.id) else {
            throw APIError(.moduleNotFound, "no module with id or name '\(ref.prefix(200))'")
        }
        exchange.moduleID = record.id
        let description = module.description
        return ModuleOpenAPI.document(
            id: record.id, names: record.names, exports: CallableExport.core(description),
            capabilities: ModuleCapabilities(imports: description.imports),
            authRequired: configuration.authToken != nil)
    }
}
