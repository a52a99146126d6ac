import Foundation

/// The OpenAPI 3.1 document served at `/openapi.json`, loaded once from the bundle.
enum OpenAPIDocument {
    static let bytes: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
            let data = try? Data(contentsOf: url)
        else { return Array("{}".utf8) }
        return Array(data)
    }()
}

extension OpenAPIDocument {
    /// The document parsed once, for the parts that module documents share with it.
    private static let parsed: JSONValue = (try? JSONParser.parse(bytes)) ?? .object([])

    /// `components/<section>/<name>` of the service document.
    static func component(_ section: String, _ name: String) -> JSONValue? {
        parsed.member("components")?.member(section)?.member(name)
    }
}
