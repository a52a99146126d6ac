import Testing
@testable import Sandbox

/// `host.invoke` targets: recycled from their module's pool, reset between
/// invocations, and held to the calling invocation's fuel and deadline.
@Suite(.timeLimit(.minutes(3)))
struct InvokeTargetTests {
    static let worker = """
        (module
          (memory (export "memory") 1)
          (global $count (mut i64) (i64.const 0))
          (func (export "bump") (param i64) (result i64)
            (global.set $count (i64.add (global.get $count) (i64.const 1)))
            (i64.store (i32.const 64) (global.get $count))
            (global.get $count))
          (func (export "work") (param $n i64) (result i64)
            (block $done (loop $again
              (br_if $done (i64.eqz (local.get $n)))
              (local.set $n (i64.sub (local.get $n) (i64.const 1)))
              (br $again)))
            (i64.const 0))
          (func (export "spin") (param i64) (result i64) (loop (br 0)) (i64.const 0))
          (func (export "grow") (param i64) (result i64) (i64.extend_i32_s (memory.grow (i32.const 1)))))
        """

    static let caller = """
        (module
          (import "host" "invoke" (func $invoke (param i32 i32 i32 i32 i64) (result i64)))
          (memory (export "memory") 1)
          (data (i32.const 0) "worker")   ;; 6 bytes
          (data (i32.const 8) "bump")     ;; 4 bytes
          (data (i32.const 16) "work")    ;; 4 bytes
          (data (i32.const 24) "spin")    ;; 4 bytes
          (data (i32.const 32) "grow")    ;; 4 bytes
          (func $call (param $export i32) (param $x i64) (result i64)
            (call $invoke (i32.const 0) (i32.const 6) (local.get $export) (i32.const 4) (local.get $x)))
          (func (export "bump_twice") (result i64)
            (drop (call $call (i32.const 8) (i64.const 0)))
            (call $call (i32.const 8) (i64.const 0)))
          (func (export "bump_then_trap") (result i64)
            (drop (call $call (i32.const 8) (i64.const 0)))
            unreachable)
          (func (export "work") (param i64) (result i64) (call $call (i32.const 16) (local.get 0)))
          (func (export "spin") (result i64) (call $call (i32.const 24) (i64.const 0)))
          (func (export "grow") (result i64) (call $call (i32.const 32) (i64.const 0))))
        """

    /// Recycling is WasmKit's: Wasmtime instantiates from a pooling-allocator slot every time.
    static func setUp(engine: SandboxEngine = .default) throws -> (caller: CompiledModule, worker: CompiledModule, directory: InMemoryDirectory) {
        let worker = try Fixtures.compile(worker, engine: engine)
        let caller = try Fixtures.compile(caller, engine: engine)
        return (caller, worker, InMemoryDirectory([("worker", worker), ("caller", caller)]))
    }

    @Test func aTargetIsRecycledAndResetBetweenInvocations() throws {
        let (caller, worker, directory) = try Self.setUp(engine: .wasmkit)
        #expect(caller.pool != nil, "a module that calls others is recycled too")
        for _ in 0..<4 {
            #expect(try Runner.invoke(caller, "bump_twice", directory: directory).get().results == [.i64(2)])
        }
        let statistics = try #require(worker.pool).statistics
        #expect(statistics.hits == 3 && statistics.misses == 1 && statistics.idle == 1)
    }

    @Test func aTargetOfAFailedInvocationIsDiscarded() throws {
        let (caller, worker, directory) = try Self.setUp(engine: .wasmkit)
        _ = try Runner.invoke(caller, "bump_twice", directory: directory).get()
        guard case .trap? = Runner.failure(caller, "bump_then_trap", directory: directory) else {
            Issue.record("expected a trap")
            return
        }
        #expect(try #require(worker.pool).statistics.discards == 1)
        #expect(try Runner.invoke(caller, "bump_twice", directory: directory).get().results == [.i64(2)])
    }

    @Test func aTargetWhoseMemoryGrewIsNotReused() throws {
        let (caller, worker, directory) = try Self.setUp(engine: .wasmkit)
        for _ in 0..<3 {
            // 1 page before growing, every time: the grown instance never comes back.
            #expect(try Runner.invoke(caller, "grow", directory: directory).get().results == [.i64(1)])
        }
        let statistics = try #require(worker.pool).statistics
        #expect(statistics.discards == 3 && statistics.hits == 0 && statistics.idle == 0)
    }

    @Test func theTargetsWorkIsChargedToTheInvocation() throws {
        let (caller, _, directory) = try Self.setUp()
        let idle = try Runner.invoke(caller, "work", [.i64(0)], directory: directory).get().fuelUsed
        let busy = try Runner.invoke(caller, "work", [.i64(10_000)], directory: directory).get().fuelUsed
        #expect(busy >= idle + 10_000, "every loop iteration in the target costs the caller fuel")
    }

    @Test func aSpinningTargetRunsOutOfTheCallersFuel() throws {
        let (caller, _, directory) = try Self.setUp()
        let limits = Limits(fuel: 1_000_000, timeoutMilliseconds: 60_000)
        guard case .failure(let failure) = Runner.invoke(caller, "spin", limits: limits, directory: directory) else {
            Issue.record("expected fuel exhaustion")
            return
        }
        #expect(failure.error == .fuelExhausted(limit: 1_000_000))
        #expect(failure.fuelUsed == 1_000_000)
    }

    @Test func theDeadlineStopsASpinningTarget() throws {
        let (caller, _, directory) = try Self.setUp()
        let limits = Limits(fuel: .max, timeoutMilliseconds: 100)
        guard case .failure(let failure) = Runner.invoke(caller, "spin", limits: limits, directory: directory) else {
            Issue.record("expected a timeout")
            return
        }
        #expect(failure.error == .timeout(milliseconds: 100))
        #expect(failure.durationMicroseconds < 5_000_000)
    }
}
