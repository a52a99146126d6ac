import Foundation
import Testing
@testable import Service

/// `GET /v1/modules/{ref}/openapi.json` through `WasmhostService.handle(_:)`.
/// (make test also validates these documents with openapi-spec-validator and runs
/// schemathesis and a generated client against them: tests/openapi/.)
@Suite(.timeLimit(.minutes(3)))
struct ModuleOpenAPITests {
    static let calc = """
        (module
          (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
          (func (export "fib") (param i64) (result i64) (local.get 0))
          (func (export "id.f32") (param f32) (result f32) (local.get 0))
          (func (export "id_f32") (param f32) (result f32) (local.get 0))
          (func (export "") (result i32) (i32.const 0))
          (memory (export "memory") 1))
        """
    static let pingpong = """
        (module (import "host" "call" (func $call (param i32 i32 i64) (result i64)))
          (import "host" "log" (func (param i32 i32)))
          (memory (export "memory") 1)
          (func (export "ping") (param i64) (result i64) (call $call (i32.const 0) (i32.const 4) (local.get 0))))
        """
    static let command = """
        (module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
          (memory (export "memory") 1)
          (func (export "_start")))
        """

    /// Uploads `wat` as `name` and gets its document as Foundation objects.
    static func document(_ wat: String, name: String, harness: ServiceHarness) throws -> [String: Any] {
        #expect(harness.send("POST", "/v1/modules", query: [("name", name)], body: wat).status == 201)
        let response = harness.send("GET", "/v1/modules/\(name)/openapi.json")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json")
        return try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    static func operations(_ document: [String: Any]) throws -> [String: [String: Any]] {
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var byID: [String: [String: Any]] = [:]
        for (path, item) in paths {
            var post = try #require(item["post"] as? [String: Any])
            post["path"] = path
            byID[try #require(post["operationId"] as? String)] = post
        }
        return byID
    }

    static func schema(_ document: [String: Any], _ name: String) throws -> [String: Any] {
        let components = try #require(document["components"] as? [String: Any])
        let schemas = try #require(components["schemas"] as? [String: Any])
        return try #require(schemas[name] as? [String: Any], "no schema \(name)")
    }

    @Test func everyCallableExportIsAnOperationAtItsInvokePath() throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        let document = try Self.document(Self.calc, name: "calc", harness: harness)
        #expect(document["openapi"] as? String == "3.1.0")
        let id = try #require(harness.store.resolve("calc")?.id)
        let operations = try Self.operations(document)
        // The memory is not callable; the export named "" has no path the router can reach.
        #expect(Set(operations.keys) == ["add", "fib", "id_f32", "id_f32_2"])
        #expect(operations["add"]?["path"] as? String == "/v1/modules/\(id)/invoke/add")
        #expect(operations["id_f32"]?["path"] as? String == "/v1/modules/\(id)/invoke/id.f32")
        #expect(operations["add"]?["summary"] as? String == "add(i32, i32) -> i32")
        let description = harness.send("GET", "/v1/modules/calc")
        #expect(description.members["openapi"] == .string("/v1/modules/\(id)/openapi.json"))
    }

    @Test func argsArePositionalWithExactCountAndTypes() throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        let document = try Self.document(Self.calc, name: "calc", harness: harness)
        let request = try Self.schema(document, "AddRequest")
        #expect(request["required"] as? [String] == ["args"])
        #expect(request["additionalProperties"] as? Bool == false)
        let properties = try #require(request["properties"] as? [String: Any])
        #expect(Set(properties.keys) == ["args", "input", "input_base64", "fuel", "timeout_ms"])
        let args = try #require(properties["args"] as? [String: Any])
        #expect(args["minItems"] as? Int == 2)
        #expect(args["maxItems"] as? Int == 2)
        let first = try #require((args["prefixItems"] as? [[String: Any]])?.first?["anyOf"] as? [[String: Any]])
        #expect(first.first?["minimum"] as? Int == -2_147_483_648)
        #expect(first.first?["maximum"] as? Int == 4_294_967_295)
        let timeout = try #require(properties["timeout_ms"] as? [String: Any])
        #expect(timeout["minimum"] as? Int == 1)
        let result = try Self.schema(document, "FibResult")
        let results = try #require((result["properties"] as? [String: Any])?["results"] as? [String: Any])
        let i64 = try #require((results["prefixItems"] as? [[String: Any]])?.first)
        #expect(i64["type"] as? String == "integer")
        #expect((i64["maximum"] as? NSNumber)?.int64Value == Int64.max)
        #expect(Set(((result["properties"] as? [String: Any])?.keys).map(Array.init) ?? []) == ["results", "fuel_used", "duration_us"])
    }

    @Test func errorsShareOneProblemSchemaAnd508OnlyWhereTheModuleCanReenter() throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        let calc = try Self.operations(Self.document(Self.calc, name: "calc", harness: harness))
        let add = try #require(calc["add"]?["responses"] as? [String: Any])
        #expect(Set(add.keys) == ["200", "400", "404", "413", "422", "500", "503", "504"])
        let document = try Self.document(Self.pingpong, name: "pingpong", harness: harness)
        let ping = try #require(try Self.operations(document)["ping"]?["responses"] as? [String: Any])
        #expect(Set(ping.keys) == ["200", "400", "404", "413", "422", "500", "503", "504", "508"])
        #expect((ping["508"] as? [String: Any])?["$ref"] as? String == "#/components/responses/ReentrancyLoop")
        let problem = try Self.schema(document, "Problem")
        #expect(problem["required"] as? [String] == ["status", "code", "title", "detail"])
        let result = try #require(try Self.schema(document, "PingResult")["properties"] as? [String: Any])
        #expect(Set(result.keys) == ["results", "logs", "truncated", "fuel_used", "duration_us"])
    }

    @Test func wasiMembersOnlyForAModuleThatImportsWASI() throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        let document = try Self.document(Self.command, name: "command", harness: harness)
        let request = try #require(try Self.schema(document, "StartRequest")["properties"] as? [String: Any])
        #expect(request["wasi"] != nil)
        let result = try #require(try Self.schema(document, "StartResult")["properties"] as? [String: Any])
        #expect(Set(result.keys) == ["results", "stdout", "stdout_base64", "stderr", "stderr_base64", "exit_code",
                                     "truncated", "fuel_used", "duration_us"])
    }

    @Test func withAuthTheDocumentNeedsTheTokenAndSaysSo() throws {
        var configuration = ServiceConfiguration()
        configuration.authToken = "secret"
        let harness = try ServiceHarness(configuration: configuration)
        defer { harness.close() }
        let auth = [(name: "authorization", value: "Bearer secret")]
        #expect(harness.send("POST", "/v1/modules", query: [("name", "calc")], headers: auth, body: Self.calc).status == 201)
        #expect(harness.send("GET", "/v1/modules/calc/openapi.json").status == 401)
        let response = harness.send("GET", "/v1/modules/calc/openapi.json", headers: auth)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(document["security"] as? [[String: [String]]] == [["bearerAuth": []]])
        let add = try #require(try Self.operations(document)["add"]?["responses"] as? [String: Any])
        #expect(add["401"] != nil)
    }

    @Test func anUnknownModuleIs404() throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        let response = harness.send("GET", "/v1/modules/nothing/openapi.json")
        #expect(response.status == 404)
        #expect(response.code == "module_not_found")
        #expect(harness.send("POST", "/v1/modules/nothing/openapi.json").status == 405)
    }
}
