import Foundation
import Testing
@testable import Service

/// `openapi.json` describes exactly the routes and methods the router answers.
@Suite(.timeLimit(.minutes(3)))
struct OpenAPIConsistencyTests {
    static let httpMethods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    static func document() throws -> [String: Any] {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        url.appendPathComponent("Sources/Service/Resources/openapi.json")
        let data = try Data(contentsOf: url)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Route template → upper-cased methods, from the router.
    static let routerMethods: [String: Set<String>] = {
        let routes: [Route] = [
            .health, .ready, .metrics, .openAPI, .modules, .module(ref: "r"), .moduleOpenAPI(ref: "r"), .invoke(ref: "r", export: "e"),
            .console, .consoleAsset("a"),
        ]
        return Dictionary(uniqueKeysWithValues: routes.map { ($0.template, Set($0.allowedMethods)) })
    }()

    @Test func thePathsAreExactlyTheRouteTemplates() throws {
        let paths = try #require(try Self.document()["paths"] as? [String: Any])
        #expect(Set(paths.keys) == Set(Route.templates))
        #expect(Set(Self.routerMethods.keys) == Set(Route.templates))
    }

    @Test func eachPathHasExactlyTheRoutesMethods() throws {
        let paths = try #require(try Self.document()["paths"] as? [String: Any])
        for template in Route.templates {
            let item = try #require(paths[template] as? [String: Any], "openapi.json lacks \(template)")
            let documented = Set(item.keys.filter { Self.httpMethods.contains($0) }.map { $0.uppercased() })
            #expect(documented == Self.routerMethods[template], "\(template)")
        }
    }

    @Test func theErrorCodeEnumIsExactlyErrorCode() throws {
        let components = try #require(try Self.document()["components"] as? [String: Any])
        let schemas = try #require(components["schemas"] as? [String: Any])
        let schema = try #require(schemas["ErrorCode"] as? [String: Any])
        let values = try #require(schema["enum"] as? [String])
        #expect(Set(values) == Set(ErrorCode.allCases.map(\.rawValue)))
    }

    @Test func theServedDocumentIsTheResourceFile() throws {
        let served = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.bytes)) as? [String: Any])
        #expect(served["openapi"] as? String == (try Self.document())["openapi"] as? String)
        #expect((served["paths"] as? [String: Any])?.count == Route.templates.count)
    }
}
