extension WasmhostService {
    /// `GET /v1/modules/{ref}/openapi.json`: the module's exports as an OpenAPI 3.1 document.
    func moduleOpenAPI(_ ref: String, exchange: Exchange) throws(APIError) -> JSONValue {
        let record = try lookUp(ref)
        guard let module = try? directory.compiled(id: record.id) else { throw unavailableOrNotFound(ref) }
        exchange.moduleID = record.id
        let description = module.description
        let exports = module.component.map(CallableExport.component) ?? CallableExport.core(description)
        let capabilities = module.component.map(ModuleCapabilities.init(component:)) ?? ModuleCapabilities(imports: description.imports)
        return ModuleOpenAPI.document(
            id: record.id, names: record.names, exports: exports, capabilities: capabilities,
            authRequired: configuration.authToken != nil)
    }
}
