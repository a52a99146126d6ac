import TestSupport
import Foundation
import Testing

/// Recycled instances must be indistinguishable from fresh ones: the same
/// sequences of invocations give identical answers with recycling on and off.
@Suite(.timeLimit(.minutes(3)))
struct RecyclingEquivalenceTests {
    let recycling: Daemon
    let fresh: Daemon

    init() throws {
        recycling = try Daemon(environment: ["WASMHOST_SANDBOX_RECYCLE_INSTANCES": "true"])
        fresh = try Daemon(environment: ["WASMHOST_SANDBOX_RECYCLE_INSTANCES": "false"])
    }

    /// The answer without the members that measure rather than compute.
    private func essence(_ answer: WireResponse) -> String {
        var object = answer.json
        object["duration_us"] = nil
        object["fuel_used"] = nil
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return "\(answer.status) " + String(decoding: data, as: UTF8.self)
    }

    private func compare(module bytes: [UInt8], calls: [(String, String)], rounds: Int = 3) throws {
        let a = try recycling.request("POST", "/v1/modules", body: bytes)
        let b = try fresh.request("POST", "/v1/modules", body: bytes)
        let id = try #require(a.json["id"] as? String, "\(a.text)")
        #expect(b.json["id"] as? String == id)
        for _ in 0..<rounds {
            for (export, body) in calls {
                let left = essence(try recycling.invoke(id, export, body))
                let right = essence(try fresh.invoke(id, export, body))
                #expect(left == right, "\(export) \(body)")
            }
        }
    }

    @Test(arguments: ["add.wat", "fib.wat", "counter.wat", "identity.wat", "trap.wat", "echo.wat", "countdown.wat", "pingpong.wat"])
    func exampleModulesAnswerTheSame(_ file: String) throws {
        let calls: [String: [(String, String)]] = [
            "add.wat": [("add", "{\"args\":[1,2]}")],
            "fib.wat": [("fib", "{\"args\":[90]}")],
            "counter.wat": [("bump", "{}"), ("mem_bump", "{}"), ("bump", "{}")],
            "identity.wat": [("id_i64", "{\"args\":[-1]}"), ("id_f32", "{\"args\":[-0.0]}")],
            "trap.wat": [("div", "{\"args\":[1,0]}"), ("oob", "{}"), ("div", "{\"args\":[6,3]}")],
            "echo.wat": [("echo", "{\"input\":\"first\"}"), ("echo", "{\"input\":\"2\"}"), ("binary_out", "{}")],
            "countdown.wat": [("down", "{\"args\":[5]}"), ("down", "{\"args\":[64]}"), ("down", "{\"args\":[3]}")],
            "pingpong.wat": [("ping", "{\"args\":[1]}")],
        ]
        try compare(module: Paths.read(Paths.example(file)), calls: calls[file] ?? [])
    }

    @Test(arguments: ["hello", "args_env", "stdin_checksum", "exit3", "trap_midway", "open_passwd"])
    func wasiProgramsAnswerTheSame(_ name: String) throws {
        let body = "{\"wasi\":{\"args\":[\"p\",\"x\"],\"env\":{\"A\":\"1\"},\"stdin\":\"abc\"}}"
        try compare(module: Paths.read(Paths.fixture("wasi/\(name).wasm")), calls: [("_start", body), ("_start", "{}")])
    }

    @Test(arguments: Array(1...12))
    func generatedModulesThatWriteMemoryAndGlobalsAnswerTheSame(seed: UInt64) throws {
        let module = GeneratedModule(seed: seed)
        var calls: [(String, String)] = []
        for index in 0..<module.exportCount { calls.append(("w\(index)", "{\"args\":[\(index * 7 + 1)]}")) }
        calls.append(("scribble", "{}"))
        calls.append(("checksum", "{}"))
        try compare(module: Array(module.wat.utf8), calls: calls)
    }

    @Test func aScribbleLeavesNothingForTheNextInvocation() throws {
        let module = GeneratedModule(seed: 99)
        let id = try recycling.uploadText(module.wat)
        let clean = try recycling.invoke(id, "checksum").json["results"] as? [Int]
        let hits = { PrometheusText.sample(try self.recycling.request("GET", "/metrics").text, "wasmhost_instance_pool_hits_total") ?? 0 }
        let before = try hits()
        for _ in 0..<5 {
            #expect(try recycling.invoke(id, "scribble").status == 200)
            #expect(try recycling.invoke(id, "checksum").json["results"] as? [Int] == clean)
        }
        // Recycling is WasmKit's; Wasmtime takes a fresh pooling-allocator slot every time.
        // Each of the ten calls found the instance the one before gave back.
        if TestEngine.isWasmKit {
            #expect(try hits() - before >= 10, "the calls ran on recycled instances")
        }
    }
}

/// A deterministic random module: a data segment, exported and non-exported
/// mutable globals, exports that write memory and globals and return a checksum.
struct GeneratedModule {
    let wat: String
    let exportCount: Int

    init(seed: UInt64) {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        exportCount = Int(next() % 5) + 2
        let data = (0..<64).map { _ in String(format: "\\%02x", Int(next() % 256)) }.joined()
        var text = "(module\n  (memory (export \"memory\") 1)\n  (data (i32.const \(next() % 1024)) \"\(data)\")\n"
        text += "  (global $a (mut i32) (i32.const \(Int32(truncatingIfNeeded: next()))))\n"
        text += "  (global $b (export \"b\") (mut i64) (i64.const \(Int64(truncatingIfNeeded: next()))))\n"
        text += "  (global $c (mut f64) (f64.const \(Double(next() % 1000) / 8)))\n"
        text += """
              (func $checksum (export "checksum") (result i64) (local $i i32) (local $sum i64)
                (loop $l
                  (local.set $sum (i64.add (i64.mul (local.get $sum) (i64.const 31)) (i64.load (local.get $i))))
                  (local.set $i (i32.add (local.get $i) (i32.const 8)))
                  (br_if $l (i32.lt_u (local.get $i) (i32.const 65536))))
                (i64.add (local.get $sum)
                  (i64.add (i64.extend_i32_s (global.get $a))
                    (i64.add (global.get $b) (i64.trunc_sat_f64_s (global.get $c))))))
              (func (export "scribble")
                (memory.fill (i32.const 0) (i32.const 255) (i32.const 65536))
                (global.set $a (i32.const -1)) (global.set $b (i64.const -1)) (global.set $c (f64.const 1e300)))

            """
        for index in 0..<exportCount {
            let address = next() % 60000
            text += """
                  (func (export "w\(index)") (param $x i32) (result i64)
                    (i32.store (i32.const \(address)) (i32.add (i32.load (i32.const \(address))) (local.get $x)))
                    (global.set $a (i32.add (global.get $a) (local.get $x)))
                    (global.set $b (i64.add (global.get $b) (i64.extend_i32_u (local.get $x))))
                    (global.set $c (f64.add (global.get $c) (f64.const 0.5)))
                    (call $checksum))

                """
        }
        wat = text + ")"
    }
}
