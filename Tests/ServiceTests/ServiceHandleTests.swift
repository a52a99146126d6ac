import Foundation
import HTTPServer
import Testing
import Sandbox
@testable import Service

/// The whole API layer through `WasmhostService.handle(_:)`, no socket.
@Suite(.timeLimit(.minutes(3)))
struct ServiceHandleTests {
    static let calc = """
        (module
          (memory (export "memory") 1)
          (global (export "counter") (mut i32) (i32.const 0))
          (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
          (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
          (func (export "half") (param f32) (result f32) (f32.div (local.get 0) (f32.const 2)))
          (func (export "spin") (loop (br 0))))
        """

    @Test func uploadDescribesTheModuleAndASecondUploadIs200() throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        let first = harness.send("POST", "/v1/modules", query: [("name", "calc")], body: Self.calc)
        #expect(first.status == 201)
        guard case .string(let id)? = first.members["id"] else { Issue.record("no id"); return }
        #expect(id.count == 64)
        #expect(first.header("Location") == "/v1/modules/\(id)")
        #expect(first.header("X-Request-Id") != nil)
        #expect(first.members["names"] == .array([.string("calc")]))
        guard case .array(let exports)? = first.members["exports"] else { Issue.record("no exports"); return }
        #expect(exports.count == 6)
        #expect(exports.first == .object([("name", .string("memory")), ("kind", .string("memory")),
                                          ("min", .number("1")), ("max", .null)]))
        let again = harness.send("POST", "/v1/modules", body: Self.calc)
        #expect(again.status == 200)
        #expect(again.members["id"] == .string(id))
        #expect(harness.send("GET", "/v1/modules/calc").members["id"] == .string(id))
    }

    @Test(arguments: [
        ("name", "Bad Name", "bad_request"), ("name", String(repeating: "ab", count: 32), "bad_request"),
        ("nam", "x", "bad_request"), ("name", "%zz", "bad_request"),
    ])
    func badQueryParametersAreRefused(name: String, value: String, code: String) throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        let response = harness.send("POST", "/v1/modules", query: [(name, value)], body: "(module)")
        #expect(response.status == 400)
        #expect(response.code == code)
        #expect(harness.store.totals.count == 0)
    }

    @Test(arguments: [
        ("", 400, "empty_body"), ("(module (func", 422, "invalid_wat"),
        ("(module (import \"env\" \"f\" (func)))", 422, "unknown_import"),
        ("(module (import \"host\" \"log\" (func (param i32))))", 422, "import_type_mismatch"),
        ("(module (memory 2000))", 422, "limit_exceeded"),
        ("(module (func (result i32) (i64.const 1)))", 422, "invalid_module"),
        // Validation comes before imports and limits (API.md, "Order of validation").
        ("(module (import \"env\" \"f\" (func)) (func (result i32) (i64.const 1)))", 422, "invalid_module"),
        ("(module (import \"spectest\" \"g\" (global i32)) (func (result i32) (f32.const 1)))", 422, "invalid_module"),
        ("(module (import \"spectest\" \"m\" (memory 1)) (func (result i32) (f32.const 1)))", 422, "invalid_module"),
        ("(module (import \"spectest\" \"t\" (table 1 funcref)) (func (result i32) (f32.const 1)))", 422, "invalid_module"),
        ("(module (memory 65537))", 422, "invalid_module"),
        // Invalid and over a limit: WasmKit stops validating at the memory it cannot
        // allocate; Wasmtime validates first, as API.md orders it.
        ("(module (memory 2000) (func (result i32) (i64.const 1)))", 422,
         SandboxEngine.default == .wasmtime ? "invalid_module" : "limit_exceeded"),
        ("(module (import \"spectest\" \"g\" (global i32)) (func))", 422, "unknown_import"),
    ])
    func badUploadsGetTheirProblemCode(body: String, status: Int, code: String) throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        let response = harness.send("POST", "/v1/modules", body: body)
        #expect(response.status == status)
        #expect(response.code == code, "\(String(decoding: response.body, as: UTF8.self))")
    }

    @Test func invokeRunsTheExportWithTypedArguments() throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        _ = harness.send("POST", "/v1/modules", query: [("name", "calc")], body: Self.calc)
        let sum = harness.send("POST", "/v1/modules/calc/invoke/add", body: #"{"args": [2, "0x3"]}"#)
        #expect(sum.status == 200)
        #expect(sum.members["results"] == .array([.number("5")]))
        #expect(sum.members["fuel_used"] != nil && sum.members["duration_us"] != nil)
        let half = harness.send("POST", "/v1/modules/calc/invoke/half", body: #"{"args": [0.2]}"#)
        #expect(half.members["results"] == .array([.number("0.1")]))
        let wrapped = harness.send("POST", "/v1/modules/calc/invoke/add", body: #"{"args": [4294967295, 1]}"#)
        #expect(wrapped.members["results"] == .array([.number("0")]))
    }

    @Test(arguments: [
        ("add", #"{"args": [1]}"#, 400, "bad_args"),
        ("add", #"{"args": [1.5, 1]}"#, 400, "bad_args"),
        ("add", #"{"arg": [1, 2]}"#, 400, "bad_request"),
        ("add", #"{"args": 5}"#, 400, "bad_request"),
        ("add", #"[1, 2]"#, 400, "bad_request"),
        ("add", #"{"args": [1, 2], "input": "a", "input_base64": "YQ=="}"#, 400, "bad_request"),
        ("add", "{\"args\": [\"\u{FFFD}\"]", 400, "bad_request"),
        ("nope", "", 404, "export_not_found"),
        ("memory", "", 400, "not_a_function"),
        ("counter", "", 400, "not_a_function"),
        ("div", #"{"args": [1, 0]}"#, 422, "trap"),
        ("add", #"{"args": [1, 2], "fuel": 0}"#, 400, "bad_request"),
        ("add", #"{"args": [1, 2], "timeout_ms": 0}"#, 400, "bad_request"),
        ("add", #"{"args": [1, 2], "timeout_ms": -0}"#, 400, "bad_request"),
        ("add", #"{"args": [1, 2], "fuel": -5}"#, 400, "bad_request"),
    ])
    func invokeProblemsGetTheirCode(export: String, body: String, status: Int, code: String) throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        _ = harness.send("POST", "/v1/modules", query: [("name", "calc")], body: Self.calc)
        let response = harness.send("POST", "/v1/modules/calc/invoke/\(export)", body: body)
        #expect(response.status == status)
        #expect(response.code == code, "\(String(decoding: response.body, as: UTF8.self))")
    }

    @Test func aTrapSaysWhatHappenedAndWhatItCost() throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        _ = harness.send("POST", "/v1/modules", query: [("name", "calc")], body: Self.calc)
        let response = harness.send("POST", "/v1/modules/calc/invoke/div", body: #"{"args": [1, 0]}"#)
        #expect(response.members["detail"] == .string("integer divide by zero"))
        #expect(response.members["fuel_used"] != nil)
        #expect(response.members["duration_us"] != nil)
    }

    @Test func theExportSegmentIsPercentDecoded() throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        _ = harness.send("POST", "/v1/modules", query: [("name", "calc")], body: Self.calc)
        let response = harness.send("POST", "/v1/modules/calc/invoke/%61dd", body: #"{"args": [1, 1]}"#)
        #expect(response.members["results"] == .array([.number("2")]))
    }

    @Test(arguments: [("{\"fuel\": 1000}", "1000"), ("{\"fuel\": 1e30}", "5000"), ("{\"fuel\": 9000}", "5000")])
    func aRequestsFuelOnlyLowersTheConfiguredBudget(body: String, limit: String) throws {
        var configuration = ServiceConfiguration()
        configuration.sandbox.limits.fuel = 5000
        let harness = try ServiceHarness(configuration: configuration)
        defer { harness.close() }
        _ = harness.send("POST", "/v1/modules", query: [("name", "calc")], body: Self.calc)
        let response = harness.send("POST", "/v1/modules/calc/invoke/spin", body: body)
        #expect(response.code == "fuel_exhausted")
        #expect(response.members["limit"] == .number(limit))
    }

    @Test func theListIsOldestFirstWithNames() throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        for (index, name) in ["one", "two", "three"].enumerated() {
            let response = harness.send("POST", "/v1/modules", query: [("name", name)], body: "(module (func (export \"f\(index)\")))")
            #expect(response.status == 201)
            Thread.sleep(forTimeInterval: 0.005)
        }
        guard case .array(let modules)? = harness.send("GET", "/v1/modules").members["modules"] else {
            Issue.record("no list")
            return
        }
        let names = modules.map { module -> JSONValue? in
            guard case .object(let members) = module else { return nil }
            return members.first { $0.0 == "names" }?.1
        }
        #expect(names == [.array([.string("one")]), .array([.string("two")]), .array([.string("three")])])
    }

    @Test func invokingAMissingModuleIs404() throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        #expect(harness.send("POST", "/v1/modules/ghost/invoke/f").code == "module_not_found")
    }

    @Test(arguments: [("PUT", "/v1/modules", "GET, POST"), ("HEAD", "/healthz", "GET"), ("POST", "/healthz", "GET"),
                      ("GET", "/v1/modules/x/invoke/f", "POST"), ("POST", "/v1/modules/x", "GET, PUT, DELETE")])
    func aWrongMethodIs405WithAllow(method: String, path: String, allow: String) throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        let response = harness.send(method, path)
        #expect(response.status == 405)
        #expect(response.code == "method_not_allowed")
        #expect(response.header("Allow") == allow)
    }

    @Test func deleteRemovesTheModuleAndItsNames() throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        _ = harness.send("POST", "/v1/modules", query: [("name", "calc")], body: Self.calc)
        #expect(harness.send("DELETE", "/v1/modules/calc").status == 204)
        #expect(harness.send("GET", "/v1/modules/calc").status == 404)
        #expect(harness.send("POST", "/v1/modules/calc/invoke/add", body: #"{"args": [1, 2]}"#).status == 404)
        #expect(harness.send("DELETE", "/v1/modules/calc").code == "module_not_found")
        #expect(harness.send("GET", "/v1/modules").members["modules"] == .array([]))
    }

    @Test func drainingTurnsReadinessAndInvocationsTo503() throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        _ = harness.send("POST", "/v1/modules", query: [("name", "calc")], body: Self.calc)
        #expect(harness.send("GET", "/readyz").members["modules"] == .number("1"))
        #expect(harness.send("GET", "/readyz").members["store"] == .string("ok"))
        harness.service.drain()
        #expect(harness.send("GET", "/readyz").code == "not_ready")
        #expect(harness.send("POST", "/v1/modules/calc/invoke/add", body: #"{"args": [1, 2]}"#).code == "not_ready")
        #expect(harness.send("GET", "/healthz").status == 200)
    }

    @Test func shutdownStopsThePoolsAfterTheirQueuedWork() throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        _ = harness.send("POST", "/v1/modules", query: [("name", "calc")], body: Self.calc)
        let ran = DispatchSemaphore(value: 0)
        #expect(harness.service.workers.submit { ran.signal() })
        harness.service.shutdown()
        #expect(ran.wait(timeout: .now() + 10) == .success)
        #expect(!harness.service.workers.submit {})
        #expect(!harness.service.control.submit {})
        #expect(harness.send("POST", "/v1/modules/calc/invoke/add", body: #"{"args": [1, 2]}"#).status == 503)
        #expect(harness.send("PUT", "/v1/modules/other", body: Self.calc).status == 503)
    }

    @Test func aFullAdmissionQueueAnswers503OverloadedWithRetryAfter() throws {
        let harness = try ServiceHarness(configuration: ServiceConfiguration(maxConcurrent: 1, maxQueue: 0))
        defer { harness.close() }
        _ = harness.send("POST", "/v1/modules", query: [("name", "calc")], body: Self.calc)
        let release = DispatchSemaphore(value: 0)
        #expect(harness.service.workers.submit { release.wait() })
        let response = harness.send("POST", "/v1/modules/calc/invoke/add", body: #"{"args": [1, 2]}"#)
        release.signal()
        #expect(response.status == 503)
        #expect(response.code == "overloaded")
        #expect(response.header("Retry-After") == "1")
    }

    @Test func bodyLimitsFollowTheRoute() throws {
        let harness = try ServiceHarness(configuration: ServiceConfiguration(maxModuleBytes: 1000, maxRequestBytes: 100))
        defer { harness.close() }
        #expect(harness.service.bodyLimit(method: "POST", path: "/v1/modules") == 1000)
        #expect(harness.service.bodyLimit(method: "POST", path: "/v1/modules/m/invoke/f") == 100)
        #expect(harness.service.bodyLimit(method: "GET", path: "/v1/modules") == 64 * 1024)
        let tooLarge = harness.service.response(for: .bodyTooLarge(limit: 100))
        #expect(tooLarge.status == 413)
        #expect(tooLarge.code == "too_large")
        #expect(harness.service.response(for: .conflictingContentLength).code == "bad_request")
        #expect(harness.service.response(for: .lengthWithTransferEncoding).status == 400)
    }
}
