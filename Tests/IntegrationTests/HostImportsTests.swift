import Foundation
import Testing

/// The `host` imports and the reentrancy guard, over real HTTP.
@Suite(.timeLimit(.minutes(3)))
struct HostImportsTests {
    let daemon: Daemon
    init() throws { daemon = try Daemon() }

    @Test func pingPongIsARepeatLoopWithItsChain() throws {
        _ = try daemon.upload(Paths.example("pingpong.wat"), name: "calc")
        let answer = try daemon.invoke("calc", "ping", "{\"args\":[1]}")
        #expect(answer.status == 508)
        #expect(answer.json["code"] as? String == "reentrancy_loop")
        #expect(answer.json["reason"] as? String == "repeat")
        #expect(answer.json["chain"] as? [String] == ["calc.ping(1)", "calc.pong(1)", "calc.ping(1)"])
    }

    @Test func countdownRecursesUpToTheDepthLimit() throws {
        _ = try daemon.upload(Paths.example("countdown.wat"), name: "cd")
        #expect(try daemon.invoke("cd", "down", "{\"args\":[10]}").json["results"] as? [Int] == [10])
        #expect(try daemon.invoke("cd", "down", "{\"args\":[63]}").json["results"] as? [Int] == [63])
        let tooDeep = try daemon.invoke("cd", "down", "{\"args\":[64]}")
        #expect(tooDeep.status == 508)
        #expect(tooDeep.json["reason"] as? String == "depth")
        let chain = try #require(tooDeep.json["chain"] as? [String])
        #expect(chain.count == 65)
        #expect(chain.first == "cd.down(64)" && chain.last == "cd.down(0)")
        let started = Date()
        let huge = try daemon.invoke("cd", "down", "{\"args\":[1000000]}")
        #expect(huge.status == 508)
        #expect(huge.json["reason"] as? String == "depth")
        #expect(Date().timeIntervalSince(started) < 2)
        #expect(daemon.isRunning)
    }

    @Test func aTwoModuleCycleThroughInvokeNamesBothModules() throws {
        _ = try daemon.upload(Paths.example("cycle_a.wat"), name: "cycle-a")
        _ = try daemon.upload(Paths.example("cycle_b.wat"), name: "cycle-b")
        let answer = try daemon.invoke("cycle-a", "go", "{\"args\":[1]}")
        #expect(answer.status == 508)
        #expect(answer.json["chain"] as? [String] == ["cycle-a.go(1)", "cycle-b.go(1)", "cycle-a.go(1)"])
        // One instance per module per invocation, reused: twice(5) = inc(5) + inc(5) = 12.
        #expect(try daemon.invoke("cycle-a", "twice", "{\"args\":[5]}").json["results"] as? [Int] == [12])
        #expect(try daemon.invoke("cycle-a", "reuse", "{\"args\":[5]}").json["results"] as? [Int] == [2])
    }

    @Test func labelsUseTheShortIDWhenAModuleHasNoName() throws {
        let id = try #require(try daemon.upload(Paths.example("pingpong.wat")).json["id"] as? String)
        let answer = try daemon.invoke(id, "ping", "{\"args\":[7]}")
        let short = String(id.prefix(12))
        #expect(answer.json["chain"] as? [String] == ["\(short).ping(7)", "\(short).pong(7)", "\(short).ping(7)"])
    }

    @Test func guestRecursionAtTheDeepestChainIsATrapNotACrash() throws {
        // down(n) reaches depth 64 at n = 63; at n = 0 it recurses internally until WasmKit's stack is gone.
        let wat = """
            (module
              (import "host" "call" (func $call (param i32 i32 i64) (result i64)))
              (memory (export "memory") 1)
              (data (i32.const 0) "down")
              (func $deep (param i32) (result i32) (call $deep (i32.add (local.get 0) (i32.const 1))))
              (func (export "down") (param i64) (result i64)
                (if (result i64) (i64.eqz (local.get 0))
                  (then (i64.extend_i32_s (call $deep (i32.const 0))))
                  (else (call $call (i32.const 0) (i32.const 4) (i64.sub (local.get 0) (i64.const 1)))))))
            """
        let id = try daemon.uploadText(wat)
        let answer = try daemon.invoke(id, "down", "{\"args\":[63]}")
        #expect(answer.status == 422)
        #expect(answer.json["detail"] as? String == "call stack exhausted")
        #expect(try daemon.request("GET", "/healthz").status == 200)
    }

    @Test func echoReadsInputAndWritesOutputAndLogs() throws {
        _ = try daemon.upload(Paths.example("echo.wat"), name: "echo")
        let text = try daemon.invoke("echo", "echo", "{\"input\":\"hello\"}")
        #expect(text.status == 200, "\(text.text)")
        #expect(text.json["output"] as? String == "hello")
        #expect((text.json["logs"] as? [String])?.first?.contains("5") == true)
        let binary = try daemon.invoke("echo", "echo", "{\"input_base64\":\"AAEC/w==\"}")
        #expect(binary.json["output_base64"] as? String == "AAEC/w==")
        #expect(binary.json["output"] == nil)
        #expect(try daemon.invoke("echo", "binary_out").json["output_base64"] as? String == "//4A")
    }

    @Test func streamsAreCappedAndMarkedTruncated() throws {
        _ = try daemon.upload(Paths.example("echo.wat"), name: "echo")
        let output = try daemon.invoke("echo", "flood", "{\"args\":[20]}")
        #expect(output.status == 200)
        #expect((output.json["output"] as? String)?.utf8.count == 1 << 20)
        #expect(output.json["truncated"] as? [String] == ["output"])
        let logs = try daemon.invoke("echo", "logflood", "{\"args\":[20]}")
        #expect(logs.json["truncated"] as? [String] == ["logs"])
        let total = (logs.json["logs"] as? [String] ?? []).reduce(0) { $0 + $1.utf8.count }
        #expect(total == 1 << 20)
    }

    @Test func aBadPointerTrapsOutOfBounds() throws {
        _ = try daemon.upload(Paths.example("echo.wat"), name: "echo")
        let answer = try daemon.invoke("echo", "bad_ptr")
        #expect(answer.status == 422)
        #expect(answer.json["detail"] as? String == "out of bounds memory access")
    }

    @Test func invalidUTF8InLogsIsReplacedNotDropped() throws {
        let wat = """
            (module (import "host" "log" (func $log (param i32 i32)))
              (memory (export "memory") 1) (data (i32.const 0) "a\\ffb")
              (func (export "f") (call $log (i32.const 0) (i32.const 3))))
            """
        let id = try daemon.uploadText(wat)
        #expect(try daemon.invoke(id, "f").json["logs"] as? [String] == ["a\u{FFFD}b"])
    }

    @Test func failuresInsideHostCallsNameWhatIsMissing() throws {
        let wat = """
            (module
              (import "host" "call" (func $call (param i32 i32 i64) (result i64)))
              (import "host" "invoke" (func $invoke (param i32 i32 i32 i32 i64) (result i64)))
              (memory (export "memory") 1)
              (data (i32.const 0) "nopeghostadd2")
              (func (export "missing_export") (result i64) (call $call (i32.const 0) (i32.const 4) (i64.const 1)))
              (func (export "missing_module") (result i64)
                (call $invoke (i32.const 4) (i32.const 5) (i32.const 9) (i32.const 4) (i64.const 1)))
              (func (export "wrong_type") (result i64) (call $call (i32.const 9) (i32.const 4) (i64.const 1)))
              (func (export "add2") (param i32) (result i32) (local.get 0)))
            """
        let id = try daemon.uploadText(wat)
        let export = try daemon.invoke(id, "missing_export")
        #expect(export.json["code"] as? String == "trap")
        #expect((export.json["detail"] as? String)?.contains("'nope'") == true)
        let module = try daemon.invoke(id, "missing_module")
        #expect((module.json["detail"] as? String)?.contains("'ghost'") == true)
        let type = try daemon.invoke(id, "wrong_type")
        #expect((type.json["detail"] as? String)?.contains("(i64) -> i64") == true, "\(type.text)")
    }

    @Test func aThousandLoopsFromEightClientsLeaveTheDaemonHealthy() throws {
        _ = try daemon.upload(Paths.example("pingpong.wat"), name: "pp")
        _ = try daemon.upload(Paths.example("countdown.wat"), name: "cd")
        // Warm up, then measure RSS before and after the burst.
        for _ in 0..<50 { _ = try daemon.invoke("cd", "down", "{\"args\":[1000]}") }
        let before = daemon.rssKiB
        let failures = LockedArray()
        DispatchQueue.concurrentPerform(iterations: 8) { client in
            guard let connection = try? daemon.connect() else { failures.append(-1); return }
            for index in 0..<125 {
                let body = index % 2 == 0 ? "{\"args\":[\(index)]}" : "{\"args\":[100000]}"
                let export = index % 2 == 0 ? "ping" : "down"
                let module = index % 2 == 0 ? "pp" : "cd"
                let answer = try? connection.request("POST", "/v1/modules/\(module)/invoke/\(export)", body: Array(body.utf8))
                if answer?.status != 508 { failures.append(answer?.status ?? 0) }
            }
        }
        let after = daemon.rssKiB
        #expect(failures.values.isEmpty)
        #expect(try daemon.request("GET", "/healthz").status == 200)
        // Loose bound: the burst must not leave its interpreter stacks behind.
        #expect(after < before + 64 * 1024, "RSS \(before) KiB before, \(after) KiB after")
        print("reentrancy burst: RSS \(before) KiB before, \(after) KiB after 1000 loops")
    }
}
