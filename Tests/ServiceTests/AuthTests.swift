import HTTPServer
import Testing
@testable import Service

/// Bearer-token auth on `/v1`: 401 before 404, open health endpoints, constant-time compare.
@Suite(.timeLimit(.minutes(3)))
struct AuthTests {
    static let token = "s3cret-token"

    static func harness() throws -> ServiceHarness {
        try ServiceHarness(configuration: ServiceConfiguration(authToken: token))
    }

    @Test(arguments: [
        ("GET", "/v1/modules"), ("POST", "/v1/modules"), ("GET", "/v1/modules/calc"), ("DELETE", "/v1/modules/calc"),
        ("POST", "/v1/modules/calc/invoke/add"), ("GET", "/v1/nope"), ("GET", "/v1"), ("PUT", "/v1/modules"),
        ("GET", "/v1/modules/%zz"), ("HEAD", "/v1/modules"),
    ])
    func everyV1RequestWithoutATokenIs401(method: String, path: String) throws {
        let harness = try Self.harness()
        defer { harness.close() }
        let response = harness.send(method, path)
        #expect(response.status == 401)
        #expect(response.code == "unauthorized")
        #expect(response.header("WWW-Authenticate") == "Bearer")
        #expect(response.header("Content-Type") == "application/problem+json")
    }

    @Test(arguments: ["Bearer wrong", "Bearer s3cret-toke", "Bearer s3cret-token2", "Bearer ", "s3cret-token",
                      "Basic czNjcmV0LXRva2Vu", "Bearer  s3cret-token", "Token s3cret-token"])
    func aWrongTokenIs401EvenForUnknownPaths(authorization: String) throws {
        let harness = try Self.harness()
        defer { harness.close() }
        for path in ["/v1/modules", "/v1/nope"] {
            let response = harness.send("GET", path, headers: [("authorization", authorization)])
            #expect(response.status == 401, "\(path) with \(authorization)")
        }
    }

    @Test func theRightTokenWorksAndUnknownPathsThenSay404() throws {
        let harness = try Self.harness()
        defer { harness.close() }
        let headers = [(name: "authorization", value: "Bearer \(Self.token)")]
        #expect(harness.send("GET", "/v1/modules", headers: headers).status == 200)
        let missing = harness.send("GET", "/v1/nope", headers: headers)
        #expect(missing.status == 404)
        #expect(missing.code == "not_found")
        #expect(harness.send("GET", "/v1/modules/calc", headers: headers).code == "module_not_found")
        let upload = harness.send("POST", "/v1/modules", headers: headers, body: "(module (func))")
        #expect(upload.status == 201)
    }

    @Test(arguments: ["/healthz", "/readyz", "/metrics", "/openapi.json"])
    func healthReadinessMetricsAndTheDocumentStayOpen(path: String) throws {
        let harness = try Self.harness()
        defer { harness.close() }
        #expect(harness.send("GET", path).status == 200)
        #expect(harness.send("GET", path, headers: [("authorization", "Bearer wrong")]).status == 200)
    }

    @Test func withoutAConfiguredTokenNoHeaderIsNeeded() throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        #expect(harness.send("GET", "/v1/modules").status == 200)
        #expect(harness.send("GET", "/v1/modules", headers: [("authorization", "Bearer anything")]).status == 200)
        #expect(harness.send("GET", "/v1/nope").status == 404)
    }

    @Test(arguments: [
        ("abc", "abc", true), ("", "", true), ("abc", "abd", false), ("abc", "ab", false), ("ab", "abc", false),
        ("", "abc", false), ("abc", "", false), ("abab", "ab", false), ("aaaa", "aa", false),
        ("s3cret-token", "s3cret-token", true),
    ])
    func constantTimeEqualIsPlainEquality(presented: String, expected: String, equal: Bool) {
        #expect(ConstantTime.equal(Array(presented.utf8), Array(expected.utf8)) == equal)
    }
}
