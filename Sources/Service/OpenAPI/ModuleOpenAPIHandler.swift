extension WasmhostService {
    /// `GET /v1/modules/{ref}/openapi.json`: the module's exports as an OpenAPI 3.1 document.
    func moduleOpenAPI(_ ref: String, exchange: Exchange) throws(APIError) -> JSONValue {
        let record = try lookUp(ref)
        guard let module = try? directory.compiled(id: record.id) else { throw unavailableOrNotFound(ref) }
        exchange.moduleID = record.id
        let description = module.description
        return ModuleOpenAPI.document(
            id: record.id, names: record.names, exports: CallableExport.core(description),
            capabilities: ModuleCapabilities(imports: description.imports),
            authRequired: configuration.authToken != nil)
    }
}
