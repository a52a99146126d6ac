import Foundation
import Testing
import TestSupport

private let stateful = """
    (module
      (memory (export "memory") 1)
      (global $g (mut i32) (i32.const 0))
      (func (export "bump") (result i32)
        (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g))
      (func (export "mem_bump") (result i32)
        (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1))) (i32.load (i32.const 0))))
    """

private let identity = """
    (module
      (func (export "i32") (param i32) (result i32) local.get 0)
      (func (export "i64") (param i64) (result i64) local.get 0)
      (func (export "f32") (param f32) (result f32) local.get 0)
      (func (export "f64") (param f64) (result f64) local.get 0)
      (func (export "v128") (param v128) (result v128) local.get 0)
      (func (export "funcref") (param funcref) (result funcref) local.get 0)
      (func (export "externref") (param externref) (result externref) local.get 0)
      (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
      (global (export "g") i32 (i32.const 1)))
    """

private let traps = """
    (module
      (memory (export "memory") 1)
      (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
      (func (export "unreachable") unreachable)
      (func (export "oob") (result i32) (i32.load (i32.const 70000)))
      (func $r (export "recurse") (param i32) (result i32) (call $r (i32.add (local.get 0) (i32.const 1))))
      (func (export "spin") (loop $l (br $l)))
      (func (export "grow") (result i32) (memory.grow (i32.const 100000))))
    """

/// Invoking exports: isolation, exact values, every error code of the route.
@Suite(.timeLimit(.minutes(3)))
struct InvokeTests {
    let daemon: Daemon
    init() throws { daemon = try Daemon() }

    @Test func everyInvocationSeesAFreshInstance() throws {
        let id = try daemon.uploadText(stateful)
        for _ in 0..<3 {
            #expect(try daemon.invoke(id, "bump").json["results"] as? [Int] == [1])
            #expect(try daemon.invoke(id, "mem_bump").json["results"] as? [Int] == [1])
        }
    }

    @Test(arguments: [
        ("i32", "[2147483647]", "[2147483647]"),
        ("i32", "[4294967295]", "[-1]"),
        ("i32", "[\"0x80000000\"]", "[-2147483648]"),
        ("i32", "[\"-5\"]", "[-5]"),
        ("i32", "[5.0]", "[5]"),
        ("i32", "[5e0]", "[5]"),
        ("i64", "[-9223372036854775808]", "[-9223372036854775808]"),
        ("i64", "[9223372036854775807]", "[9223372036854775807]"),
        ("i64", "[18446744073709551615]", "[-1]"),
        ("i64", "[\"0xffffffffffffffff\"]", "[-1]"),
        ("i64", "[\"-0x8000000000000000\"]", "[-9223372036854775808]"),
        ("f32", "[-0.0]", "[-0.0]"),
        ("f32", "[0.1]", "[0.1]"),
        ("f32", "[1e39]", "[\"inf\"]"),
        ("f32", "[\"nan\"]", "[\"nan\"]"),
        ("f32", "[\"-nan\"]", "[\"-nan\"]"),
        ("f32", "[\"-inf\"]", "[\"-inf\"]"),
        ("f32", "[{\"bits\":\"0x7fc00001\"}]", "[{\"bits\":\"0x7fc00001\"}]"),
        ("f32", "[{\"bits\":\"1\"}]", "[1e-45]"),
        ("f64", "[5e-324]", "[5e-324]"),
        ("f64", "[\"inf\"]", "[\"inf\"]"),
        ("f64", "[-0.0]", "[-0.0]"),
        ("f64", "[0.1]", "[0.1]"),
        ("f64", "[{\"bits\":\"0x7ff8000000000000\"}]", "[\"nan\"]"),
        ("v128", "[\"0x000102030405060708090a0b0c0d0e0f\"]", "[\"0x000102030405060708090a0b0c0d0e0f\"]"),
        ("funcref", "[null]", "[null]"),
        ("externref", "[null]", "[null]"),
    ])
    func valuesRoundTripExactly(type: String, args: String, results: String) throws {
        let id = try daemon.uploadText(identity)
        let answer = try daemon.invoke(id, type, "{\"args\":\(args)}")
        #expect(answer.status == 200, "\(answer.text)")
        // Compare the JSON text of `results`, so that -0.0 and integer exactness are checked.
        let text = answer.text
        let start = try #require(text.range(of: "\"results\":"))
        let end = try #require(text.range(of: ",\"fuel_used\""))
        #expect(String(text[start.upperBound..<end.lowerBound]) == results)
        #expect(answer.json["fuel_used"] is Int)
        #expect(answer.json["duration_us"] is Int)
    }

    @Test(arguments: [
        ("add", "{\"args\":[1]}", 400, "bad_args", "add(i32, i32) -> i32 takes 2 arguments, got 1"),
        ("i32", "{\"args\":[4294967296]}", 400, "bad_args", "out of range"),
        ("i32", "{\"args\":[-2147483649]}", 400, "bad_args", "out of range"),
        ("i32", "{\"args\":[1.5]}", 400, "bad_args", "not an integer"),
        ("i64", "{\"args\":[18446744073709551616]}", 400, "bad_args", "out of range"),
        ("i64", "{\"args\":[true]}", 400, "bad_args", "i64(i64) -> i64"),
        ("v128", "{\"args\":[\"0x00\"]}", 400, "bad_args", "32 hex digits"),
        ("funcref", "{\"args\":[1]}", 400, "bad_args", "null"),
        ("add", "{\"arg\":[1,2]}", 400, "bad_request", "unknown member 'arg'"),
        ("add", "{\"args\":5}", 400, "bad_request", "args must be an array"),
        ("add", "[1,2]", 400, "bad_request", "object"),
        ("add", "{\"args\":[1,2]", 400, "bad_request", "JSON"),
        ("add", "{\"input\":\"a\",\"input_base64\":\"YQ==\"}", 400, "bad_request", "not both"),
        ("add", "{\"fuel\":-1}", 400, "bad_request", "fuel"),
        ("add", "{\"fuel\":0}", 400, "bad_request", "fuel must be at least 1"),
        ("add", "{\"timeout_ms\":0}", 400, "bad_request", "timeout_ms must be at least 1"),
        ("add", "{\"timeout_ms\":-5}", 400, "bad_request", "timeout_ms must be at least 1"),
        ("add", "{\"s\":\"\\ud800\"}", 400, "bad_request", "surrogate"),
        ("nope", "{}", 404, "export_not_found", "add"),
        ("g", "{}", 400, "not_a_function", "global"),
    ])
    func invokeErrorsNameTheProblem(export: String, body: String, status: Int, code: String, detail: String) throws {
        let id = try daemon.uploadText(identity)
        let answer = try daemon.invoke(id, export, body)
        #expect(answer.status == status, "\(answer.text)")
        #expect(answer.json["code"] as? String == code, "\(answer.text)")
        #expect((answer.json["detail"] as? String)?.contains(detail) == true, "\(answer.text)")
    }

    @Test func malformedJSONBytesAreBadRequests() throws {
        let id = try daemon.uploadText(identity)
        let nested = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        for body in [[0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d], Array("{\"args\":\(nested)}".utf8)] {
            let answer = try daemon.request("POST", "/v1/modules/\(id)/invoke/add", body: body)
            #expect(answer.status == 400)
            #expect(answer.json["code"] as? String == "bad_request")
        }
        #expect(try daemon.invoke("missing", "add").json["code"] as? String == "module_not_found")
        #expect(try daemon.invoke(id, "add", "").status == 400)  // empty body is {}, so 0 args → bad_args
    }

    @Test(arguments: [
        ("div", "[1,0]", "integer divide by zero"),
        ("div", "[-2147483648,-1]", "integer overflow"),
        ("unreachable", "[]", "unreachable"),
        ("oob", "[]", "out of bounds memory access"),
        ("recurse", "[0]", "call stack exhausted"),
    ])
    func trapsAre422WithTheTrapMessage(export: String, args: String, detail: String) throws {
        let id = try daemon.uploadText(traps)
        let answer = try daemon.invoke(id, export, "{\"args\":\(args)}")
        #expect(answer.status == 422)
        #expect(answer.json["code"] as? String == "trap")
        #expect(answer.json["detail"] as? String == detail)
        let backtrace = answer.json["backtrace"] as? [String] ?? []
        #expect(backtrace.count <= 32)
        #expect(!answer.text.contains("0x5"), "no addresses in errors")
    }

    @Test func fuelRunsOutWithTheLimitReported() throws {
        let id = try daemon.uploadText(traps)
        let answer = try daemon.invoke(id, "spin", "{\"fuel\":10000}")
        #expect(answer.status == 422)
        #expect(answer.json["code"] as? String == "fuel_exhausted")
        #expect(answer.json["limit"] as? Int == 10000)
        let add = try daemon.uploadText(identity)
        #expect(try daemon.invoke(add, "add", "{\"args\":[1,2],\"fuel\":1}").json["code"] as? String == "fuel_exhausted")
        #expect(try daemon.invoke(add, "add", "{\"args\":[1,2],\"fuel\":99999999999999999999999}").status == 200)
    }

    @Test func theDeadlineAnswers504AndFreesTheWorker() throws {
        // Fuel high enough that the deadline, not fuel, stops a compiled spin loop
        // (Wasmtime burns the default 10^8 in about 0.1 s).
        let daemon = try Daemon(environment: ["WASMHOST_LIMITS_FUEL": "1000000000000000"])
        let id = try daemon.uploadText(traps)
        let started = Date()
        let answer = try daemon.invoke(id, "spin", "{\"timeout_ms\":200,\"fuel\":100000000000}")
        let elapsed = Date().timeIntervalSince(started)
        #expect(answer.status == 504)
        #expect(answer.json["code"] as? String == "timeout")
        #expect(elapsed < 5)
        #expect(try daemon.invoke(id, "div", "{\"args\":[6,3]}").json["results"] as? [Int] == [2])
    }

    @Test func memoryGrowthPastTheLimitReturnsMinusOne() throws {
        let id = try daemon.uploadText(traps)
        #expect(try daemon.invoke(id, "grow").json["results"] as? [Int] == [-1])
    }

    @Test func initialMemoryOverTheLimitIsLimitExceeded() throws {
        let big = "(module (memory 200) (func (export \"f\")))"  // 200 pages = 12.5 MiB
        let id = try daemon.uploadText(big)
        daemon.stop()
        let strict = try Daemon(dataDirectory: daemon.dataDirectory, environment: ["WASMHOST_LIMITS_MAX_MEMORY_BYTES": "1048576"])
        let answer = try strict.invoke(id, "f")
        #expect(answer.status == 422)
        #expect(answer.json["code"] as? String == "limit_exceeded")
        // At upload under the low limit it is refused the same way.
        let again = try strict.request("POST", "/v1/modules", body: Array("(module (memory 100))".utf8))
        #expect(again.json["code"] as? String == "limit_exceeded")
        let start = "(module (func $s (loop $l (br $l))) (start $s) (func (export \"f\")))"
        let looping = try strict.uploadText(start)
        #expect(try strict.invoke(looping, "f", "{\"fuel\":100000}").json["code"] as? String == "fuel_exhausted")
    }

    @Test func healthStaysFastWhileEveryWorkerSpinsAndQueueOverflowIs503() throws {
        // Fuel high enough that the deadline, not fuel, stops a compiled spin loop.
        let busy = try Daemon(environment: [
            "WASMHOST_LIMITS_MAX_CONCURRENT": "2", "WASMHOST_LIMITS_MAX_QUEUE": "1",
            "WASMHOST_LIMITS_FUEL": "1000000000000000",
        ])
        let id = try busy.uploadText(traps)
        let group = DispatchGroup()
        let statuses = LockedArray()
        for _ in 0..<3 {
            DispatchQueue.global().async(group: group) {
                let answer = try? busy.invoke(id, "spin", "{\"timeout_ms\":3000,\"fuel\":100000000000}")
                statuses.append(answer?.status ?? 0)
            }
        }
        // Wait until the daemon reports both workers busy and one request queued.
        let saturated = try Poll.until(seconds: 10, every: 0.05) {
            let metrics = try busy.request("GET", "/metrics").text
            return metrics.contains("wasmhost_invocations_running 2") && metrics.contains("wasmhost_admission_queue_depth 1")
        }
        try #require(saturated, "the workers never all became busy with one request queued")
        let started = Date()
        let health = try busy.request("GET", "/healthz")
        #expect(health.status == 200)
        #expect(Date().timeIntervalSince(started) < 0.5)
        let overloaded = try busy.invoke(id, "div", "{\"args\":[1,1]}")
        #expect(overloaded.status == 503)
        #expect(overloaded.json["code"] as? String == "overloaded")
        #expect(overloaded.header("Retry-After") != nil)
        group.wait()
        #expect(statuses.values.sorted() == [504, 504, 504])
        #expect(try busy.invoke(id, "div", "{\"args\":[4,2]}").json["results"] as? [Int] == [2])
        #expect(busy.isRunning)
    }
}

/// A thread-safe list for results gathered from many threads.
final class LockedArray: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Int] = []
    func append(_ value: Int) { lock.lock(); storage.append(value); lock.unlock() }
    var values: [Int] { lock.lock(); defer { lock.unlock() }; return storage }
}
