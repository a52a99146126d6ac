import Crypto
import Foundation
import Testing
import Hex

private let addWAT = """
    (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
    """

private func sha256(_ bytes: [UInt8]) -> String {
    Hex.encode(SHA256.hash(data: bytes))
}

/// Module upload, describe, list, names and delete over real HTTP.
@Suite(.timeLimit(.minutes(3)))
struct ModuleEndpointsTests {
    let daemon: Daemon
    init() throws { daemon = try Daemon() }

    @Test func binaryUploadIsCreatedThenSeenAgainWithTheSameID() throws {
        let bytes = try Paths.read(Paths.fixture("wasi/hello.wasm"))
        let first = try daemon.request("POST", "/v1/modules", body: bytes)
        #expect(first.status == 201)
        #expect(first.json["id"] as? String == sha256(bytes))
        #expect(first.header("Location") == "/v1/modules/\(sha256(bytes))")
        #expect(first.header("Content-Type") == "application/json")
        let again = try daemon.request("POST", "/v1/modules", body: bytes)
        #expect(again.status == 200)
        #expect(again.json["id"] as? String == sha256(bytes))
    }

    @Test func watUploadIsIdentifiedByItsAssembledBinary() throws {
        let answer = try daemon.request("POST", "/v1/modules?name=calc", body: Array(addWAT.utf8))
        #expect(answer.status == 201)
        let id = try #require(answer.json["id"] as? String)
        #expect(id.count == 64 && id != sha256(Array(addWAT.utf8)))
        // The stored bytes are the binary, hashed to the id.
        let stored = try Paths.read("\(daemon.dataDirectory)/modules/\(id).wasm")
        #expect(stored.starts(with: [0, 0x61, 0x73, 0x6d]))
        #expect(sha256(stored) == id)
        let exports = try #require(answer.json["exports"] as? [[String: Any]])
        #expect(exports.first?["name"] as? String == "add")
        #expect(exports.first?["params"] as? [String] == ["i32", "i32"])
        #expect(exports.first?["results"] as? [String] == ["i32"])
        #expect(answer.json["names"] as? [String] == ["calc"])
        #expect(answer.json["size"] as? Int == stored.count)
    }

    @Test func descriptionListsEveryExportAndImportKind() throws {
        let wat = """
            (module
              (import "host" "log" (func (param i32 i32)))
              (memory (export "memory") 1 2)
              (global (export "counter") (mut i32) (i32.const 0))
              (table (export "table") 1 funcref)
              (func (export "f") (param i64 f32) (result f64 v128) f64.const 0 v128.const i64x2 0 0))
            """
        let id = try daemon.uploadText(wat)
        let answer = try daemon.request("GET", "/v1/modules/\(id)")
        #expect(answer.status == 200)
        let exports = try #require(answer.json["exports"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: exports.map { ($0["name"] as? String ?? "", $0) })
        #expect(byName["memory"]?["kind"] as? String == "memory")
        #expect(byName["memory"]?["min"] as? Int == 1)
        #expect(byName["memory"]?["max"] as? Int == 2)
        #expect(byName["counter"]?["type"] as? String == "i32")
        #expect(byName["counter"]?["mutable"] as? Bool == true)
        #expect(byName["table"]?["element"] as? String == "funcref")
        #expect(byName["table"]?["max"] is NSNull)
        #expect(byName["f"]?["params"] as? [String] == ["i64", "f32"])
        #expect(byName["f"]?["results"] as? [String] == ["f64", "v128"])
        let imports = try #require(answer.json["imports"] as? [[String: Any]])
        #expect(imports.first?["module"] as? String == "host")
        #expect(imports.first?["params"] as? [String] == ["i32", "i32"])
    }

    @Test func listIsOldestFirstAndNamesMoveLikeTags() throws {
        let first = try daemon.uploadText(addWAT, name: "calc")
        Thread.sleep(forTimeInterval: 1.1)
        let second = try daemon.uploadText("(module (func (export \"two\") (result i32) i32.const 2))", name: "calc")
        let list = try daemon.request("GET", "/v1/modules")
        #expect(list.status == 200)
        let modules = try #require(list.json["modules"] as? [[String: Any]])
        #expect(modules.map { $0["id"] as? String } == [first, second])
        #expect(modules[0]["names"] as? [String] == [])
        #expect(modules[1]["names"] as? [String] == ["calc"])
        let byName = try daemon.request("GET", "/v1/modules/calc")
        #expect(byName.json["id"] as? String == second)
    }

    @Test func deleteRemovesTheModuleAndAllItsNames() throws {
        let id = try daemon.uploadText(addWAT, name: "calc")
        _ = try daemon.request("POST", "/v1/modules?name=calc2", body: Array(addWAT.utf8))
        let deleted = try daemon.request("DELETE", "/v1/modules/calc")
        #expect(deleted.status == 204)
        #expect(try daemon.request("GET", "/v1/modules/\(id)").status == 404)
        #expect(try daemon.request("GET", "/v1/modules/calc2").json["code"] as? String == "module_not_found")
        #expect(try daemon.request("DELETE", "/v1/modules/calc").status == 404)
        #expect(!FileManager.default.fileExists(atPath: "\(daemon.dataDirectory)/modules/\(id).wasm"))
    }

    struct ErrorCase: CustomTestStringConvertible, Sendable {
        let name: String
        let method: String
        let path: String
        let body: [UInt8]
        let status: Int
        let code: String
        var testDescription: String { name }
    }

    static let errorCases: [ErrorCase] = [
        .init(name: "empty upload", method: "POST", path: "/v1/modules", body: [], status: 400, code: "empty_body"),
        .init(name: "wasm that does not decode", method: "POST", path: "/v1/modules",
              body: [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x01, 0xff], status: 422, code: "invalid_module"),
        .init(name: "bad function body", method: "POST", path: "/v1/modules",
              body: Array("(module (func (result i32) i64.const 1))".utf8), status: 422, code: "invalid_module"),
        .init(name: "binary with a bad function body", method: "POST", path: "/v1/modules",
              body: [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7f, 3, 2, 1, 0, 10, 6, 1, 4, 0, 0x42, 1, 0x0b],
              status: 422, code: "invalid_module"),
        .init(name: "text that does not assemble", method: "POST", path: "/v1/modules",
              body: Array("(module (func (export \"x\") nonsense))".utf8), status: 422, code: "invalid_wat"),
        .init(name: "bytes that are neither", method: "POST", path: "/v1/modules", body: [0xff, 0xfe, 0x00], status: 422, code: "invalid_module"),
        .init(name: "unknown import module", method: "POST", path: "/v1/modules",
              body: Array("(module (import \"env\" \"f\" (func)))".utf8), status: 422, code: "unknown_import"),
        .init(name: "unknown host function", method: "POST", path: "/v1/modules",
              body: Array("(module (import \"host\" \"nope\" (func)))".utf8), status: 422, code: "unknown_import"),
        .init(name: "host import with the wrong type", method: "POST", path: "/v1/modules",
              body: Array("(module (import \"host\" \"log\" (func (param i32))))".utf8), status: 422, code: "import_type_mismatch"),
        .init(name: "host import of the wrong kind", method: "POST", path: "/v1/modules",
              body: Array("(module (import \"host\" \"log\" (global i32)))".utf8), status: 422, code: "import_type_mismatch"),
        .init(name: "invalid name", method: "POST", path: "/v1/modules?name=Bad%20Name",
              body: Array("(module)".utf8), status: 400, code: "bad_request"),
        .init(name: "name that reads as an id", method: "POST",
              path: "/v1/modules?name=" + String(repeating: "a", count: 64), body: Array("(module)".utf8), status: 400, code: "bad_request"),
        .init(name: "unknown query parameter", method: "POST", path: "/v1/modules?nmae=x",
              body: Array("(module)".utf8), status: 400, code: "bad_request"),
        .init(name: "describe unknown module", method: "GET", path: "/v1/modules/nope", body: [], status: 404, code: "module_not_found"),
        .init(name: "delete unknown module", method: "DELETE", path: "/v1/modules/nope", body: [], status: 404, code: "module_not_found"),
        .init(name: "unknown route", method: "GET", path: "/v2/things", body: [], status: 404, code: "not_found"),
        .init(name: "bad percent-encoding", method: "GET", path: "/v1/modules/%zz", body: [], status: 400, code: "bad_request"),
        .init(name: "path traversal stays a name", method: "GET", path: "/v1/modules/..%2f..%2fetc%2fpasswd", body: [], status: 404, code: "module_not_found"),
        .init(name: "wrong method", method: "PUT", path: "/v1/modules", body: [], status: 405, code: "method_not_allowed"),
        .init(name: "HEAD is refused", method: "HEAD", path: "/v1/modules", body: [], status: 405, code: "method_not_allowed"),
    ]

    @Test(arguments: errorCases)
    func everyClientErrorIsAProblemWithItsCode(_ example: ErrorCase) throws {
        let answer = try daemon.request(example.method, example.path, body: example.body)
        #expect(answer.status == example.status, "\(answer.text)")
        #expect(answer.header("Content-Type") == "application/problem+json")
        if example.method != "HEAD" {
            #expect(answer.json["code"] as? String == example.code, "\(answer.text)")
            #expect(answer.json["status"] as? Int == example.status)
            #expect((answer.json["title"] as? String)?.isEmpty == false)
            #expect((answer.json["detail"] as? String)?.isEmpty == false)
        }
        if example.status == 405 { #expect(answer.header("Allow") == "GET, POST") }
        // Nothing was stored half-way.
        let modules = try FileManager.default.contentsOfDirectory(atPath: "\(daemon.dataDirectory)/modules")
        #expect(modules.isEmpty)
    }

    @Test func invalidModuleDetailCarriesTheOffsetAndWatErrorsTheLine() throws {
        let binary = try daemon.request("POST", "/v1/modules", body: [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x01, 0xff])
        #expect((binary.json["detail"] as? String)?.contains("offset") == true, "\(binary.text)")
        let text = try daemon.request("POST", "/v1/modules", body: Array("(module\n  (func (export \"x\") nonsense))".utf8))
        #expect((text.json["detail"] as? String)?.contains("line 2, column") == true, "\(text.text)")
    }

    @Test func aBodyOverTheLimitIsRefusedWithoutReadingIt() throws {
        let connection = try daemon.connect()
        try connection.send("POST /v1/modules HTTP/1.1\r\nHost: t\r\nContent-Length: 999999999\r\n\r\n")
        let answer = try connection.readResponse()
        #expect(answer.status == 413)
        #expect(answer.json["code"] as? String == "too_large")
    }

    @Test func chunkedBodiesOverTheLimitAreCutOff() throws {
        let small = try Daemon(environment: ["WASMHOST_LIMITS_MAX_MODULE_BYTES": "1000"])
        let connection = try small.connect()
        try connection.send("POST /v1/modules HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
        let chunk = String(repeating: "a", count: 800)
        try connection.send("320\r\n\(chunk)\r\n320\r\n\(chunk)\r\n0\r\n\r\n")
        let answer = try connection.readResponse()
        #expect(answer.status == 413)
        #expect(try small.request("GET", "/healthz").status == 200)
    }

    @Test func conflictingLengthsAndLengthWithChunkedAreRefused() throws {
        let conflicting = try daemon.connect()
        try conflicting.send("POST /v1/modules HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef")
        let first = try conflicting.readResponse()
        #expect(first.status == 400)
        #expect(first.json["code"] as? String == "bad_request")

        let smuggling = try daemon.connect()
        try smuggling.send("POST /v1/modules HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        let second = try smuggling.readResponse()
        #expect(second.status == 400)
    }

    @Test func keepAliveServesSeveralRequestsOnOneConnection() throws {
        let connection = try daemon.connect()
        for _ in 0..<5 {
            #expect(try connection.request("GET", "/healthz").status == 200)
        }
        let ready = try connection.request("GET", "/readyz")
        #expect(ready.json["status"] as? String == "ready")
        #expect(ready.json["modules"] as? Int == 0)
    }
}
