import Testing
@testable import Sandbox

/// Whole invocations: host imports, fresh instances, deadlines, the reentrancy guard, WASI.
@Suite(.timeLimit(.minutes(3)))
struct InvokerTests {
    static let hostGuest = """
        (module
          (import "host" "log" (func $log (param i32 i32)))
          (import "host" "input_size" (func $size (result i32)))
          (import "host" "input_read" (func $read (param i32 i32) (result i32)))
          (import "host" "output_write" (func $write (param i32 i32)))
          (import "host" "call" (func $call (param i32 i32 i64) (result i64)))
          (memory (export "memory") 1)
          (data (i32.const 0) "hello\\ffping" "pongdownnone")
          (global $g (mut i32) (i32.const 0))
          (func (export "bump") (result i32) (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g))
          (func (export "echo") (result i32)
            (local $n i32)
            (local.set $n (call $read (i32.const 100) (call $size)))
            (call $write (i32.const 100) (local.get $n))
            (call $log (i32.const 0) (i32.const 6))
            (local.get $n))
          (func (export "badlog") (call $log (i32.const 65530) (i32.const 100)))
          (func (export "ping") (param i64) (result i64) (call $call (i32.const 6) (i32.const 4) (local.get 0)))
          (func (export "down") (param i64) (result i64)
            (if (result i64) (i64.eqz (local.get 0))
              (then (i64.const 0))
              (else (call $call (i32.const 14) (i32.const 4) (i64.sub (local.get 0) (i64.const 1))))))
          (func (export "missing") (param i64) (result i64) (call $call (i32.const 18) (i32.const 4) (local.get 0)))
          (func (export "spin") (loop (br 0))))
        """

    @Test func hostImportsReadInputAndCaptureOutputAndLogs() throws {
        let module = try Fixtures.compile(Self.hostGuest)
        let result = try Runner.invoke(module, "echo", input: Array("abc".utf8)).get()
        #expect(result.results == [.i32(3)])
        #expect(result.output == Array("abc".utf8))
        #expect(result.logs == ["hello\u{FFFD}"])
        #expect(result.stdout == nil && result.exitCode == nil)
        #expect(result.fuelUsed > 0)
    }

    @Test func eachInvocationGetsAFreshInstance() throws {
        let module = try Fixtures.compile(Self.hostGuest)
        for _ in 0..<3 { #expect(try Runner.invoke(module, "bump").get().results == [.i32(1)]) }
    }

    @Test func aBadPointerFromTheGuestTraps() throws {
        let module = try Fixtures.compile(Self.hostGuest)
        #expect(Runner.failure(module, "badlog") == .trap(detail: "out of bounds memory access", backtrace: []))
    }

    @Test func aHostCallLoopIsStoppedAsARepeat() throws {
        let module = try Fixtures.compile(Self.hostGuest)
        let directory = InMemoryDirectory([("calc", module)])
        let error = Runner.failure(module, "ping", [.i64(1)], directory: directory)
        #expect(error == .reentrancyLoop(reason: .repeatedFrame, chain: ["calc.ping(1)", "calc.ping(1)"]))
    }

    @Test func aChainDeeperThanTheLimitIsStoppedAsDepth() throws {
        let module = try Fixtures.compile(Self.hostGuest)
        let directory = InMemoryDirectory([("calc", module)])
        #expect(try Runner.invoke(module, "down", [.i64(63)], directory: directory).get().results == [.i64(0)])
        let error = Runner.failure(module, "down", [.i64(64)], directory: directory)
        guard case .reentrancyLoop(let reason, let chain)? = error else {
            Issue.record("expected a loop, got \(String(describing: error))")
            return
        }
        #expect(reason == .depth)
        #expect(chain.count == 65)
        #expect(chain.first == "calc.down(64)")
        #expect(chain.last == "calc.down(0)")
    }

    @Test func aHostCallToAMissingExportTrapsNamingIt() throws {
        let module = try Fixtures.compile(Self.hostGuest)
        let directory = InMemoryDirectory([("calc", module)])
        let error = Runner.failure(module, "missing", [.i64(1)], directory: directory)
        #expect(error == .trap(detail: "host.call: module calc has no function export 'none'", backtrace: []))
    }

    @Test func theDeadlineStopsARunawayGuestAsTimeout() throws {
        let module = try Fixtures.compile(Self.hostGuest)
        let result = Runner.invoke(module, "spin", limits: Limits(fuel: .max, timeoutMilliseconds: 100))
        guard case .failure(let failure) = result else { Issue.record("expected a timeout"); return }
        #expect(failure.error == .timeout(milliseconds: 100))
        #expect(failure.durationMicroseconds >= 100_000)
        #expect(failure.durationMicroseconds < 5_000_000)
    }

    @Test(arguments: [("nope", SandboxError.exportNotFound(name: "nope", functions: ["bump", "echo", "badlog", "ping",
                                                                                    "down", "missing", "spin"])),
                      ("memory", .notAFunction(name: "memory", kind: "memory"))])
    func anExportThatIsNotAFunctionOrMissingIsNamed(export: String, error: SandboxError) throws {
        let module = try Fixtures.compile(Self.hostGuest)
        #expect(Runner.failure(module, export) == error)
    }

    @Test func argumentsOfTheWrongTypeAreBadArgs() throws {
        let module = try Fixtures.compile(Self.hostGuest)
        guard case .badArgs(let detail)? = Runner.failure(module, "ping", [.i32(1)]) else {
            Issue.record("expected badArgs")
            return
        }
        #expect(detail.hasPrefix("ping(i64) -> i64"))
    }

    @Test func aWASICommandWritesStdoutAndExits() throws {
        let hello = try Fixtures.fixture("wasi/hello.wasm")
        let module = try Fixtures.compiler().compile(binary: hello, id: Fixtures.id(for: hello))
        let result = try Runner.invoke(module, "_start", wasi: WASIOptions(args: ["hello"])).get()
        #expect(result.stdout == Array("hello, world\n".utf8))
        #expect(result.stderr == [])
        #expect(result.exitCode == 0)
        #expect(result.results == [])
        let exit3 = try Fixtures.fixture("wasi/exit3.wasm")
        let exiting = try Fixtures.compiler().compile(binary: exit3, id: Fixtures.id(for: exit3))
        #expect(try Runner.invoke(exiting, "_start").get().exitCode == 3)
    }
}
