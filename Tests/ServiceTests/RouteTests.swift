import Testing
@testable import Service

/// Route matching on raw paths, with each `{ref}` / `{export}` segment percent-decoded on its own.
@Suite(.timeLimit(.minutes(3)))
struct RouteTests {
    @Test(arguments: [
        ("/healthz", Route.health), ("/readyz", .ready), ("/metrics", .metrics), ("/openapi.json", .openAPI),
        ("/v1/modules", .modules),
        ("/v1/modules/calc", .module(ref: "calc")),
        ("/v1/modules/calc/invoke/add", .invoke(ref: "calc", export: "add")),
        ("/v1/modules/calc/openapi.json", .moduleOpenAPI(ref: "calc")),
        ("/v1/modules/a%2Fb/openapi.json", .moduleOpenAPI(ref: "a/b")),
        ("/v1/modules/my%20mod", .module(ref: "my mod")),
        ("/v1/modules/a%2fb", .module(ref: "a/b")),
        // A leading U+FEFF is kept (Foundation's removingPercentEncoding drops it).
        ("/v1/modules/m/invoke/%EF%BB%BF", .invoke(ref: "m", export: "\u{FEFF}")),
        ("/v1/modules/a%2Fb/invoke/c%2Fd", .invoke(ref: "a/b", export: "c/d")),
        ("/v1/modules/m/invoke/%C3%A9t%C3%A9", .invoke(ref: "m", export: "été")),
        ("/v1/modules/m/invoke/a+b", .invoke(ref: "m", export: "a+b")),
        ("/v1/modules/m/invoke/%25", .invoke(ref: "m", export: "%")),
        ("/v1/modules/m/invoke/invoke", .invoke(ref: "m", export: "invoke")),
        ("/", .console), ("/console/app.js", .consoleAsset("app.js")), ("/console/a%2F..", .consoleAsset("a/..")),
    ])
    func matchesTemplatesAndDecodesSegments(path: String, expected: Route) throws {
        #expect(try Route.match(path) == expected)
    }

    @Test(arguments: ["", "/nope", "/console", "/console/", "/console/a/b", "//console/app.js", "/healthz/", "//healthz", "/v1", "/v1/", "/v1/nope", "/v2/modules",
                      "/V1/modules", "/v1/modules/m/invoke", "/v1/modules/m/call/f", "/v1/modules/m/invoke/f/g",
                      "/healthz/x", "/v1/modules/a/b", "/v1/modules/", "/v1/modules//invoke/f", "/v1/modules/m/invoke/"])
    func pathsOfNoRouteMatchNothing(path: String) throws {
        #expect(try Route.match(path) == nil)
    }

    @Test(arguments: ["/v1/modules/%zz", "/v1/modules/%4", "/v1/modules/%", "/v1/modules/%ff",
                      "/v1/modules/m/invoke/%C3", "/v1/modules/%ED%A0%80", "/v1/modules/m/invoke/%g0"])
    func badEscapesAreBadRequests(path: String) {
        let error = #expect(throws: APIError.self) { try Route.match(path) }
        #expect(error?.code == .badRequest)
    }

    @Test func everyRouteHasATemplateListedInTemplates() throws {
        let routes: [Route] = [
            .health, .ready, .metrics, .openAPI, .modules, .module(ref: "r"), .moduleOpenAPI(ref: "r"), .invoke(ref: "r", export: "e"),
            .console, .consoleAsset("a"),
        ]
        #expect(routes.map(\.template) == Route.templates)
        for route in routes {
            #expect(!route.allowedMethods.isEmpty)
            #expect(!route.allowedMethods.contains("HEAD"))
            #expect(route.isAPI == route.template.hasPrefix("/v1/"))
        }
    }

    @Test(arguments: [("a%2Bb", "a+b"), ("a+b", "a b"), ("%41", "A"), ("x", "x"), ("", "")])
    func queryDecodingTurnsPlusIntoSpace(text: String, expected: String) {
        #expect(PercentDecoding.decode(text, plusAsSpace: true) == expected)
    }
}
