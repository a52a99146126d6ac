import Foundation
import Synchronization
import Testing
@testable import Sandbox

/// `fuel_used` belongs to the invocation that reports it, even when recycled
/// instances move between threads as fast as they can.
@Suite(.timeLimit(.minutes(3)))
struct FuelAccountingTests {
    static let twoExports = """
        (module
          (func $count (param $n i32) (local $i i32)
            (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
          (func (export "short") (call $count (i32.const 3)))
          (func (export "long") (call $count (i32.const 9))))
        """

    @Test(.timeLimit(.minutes(1)))
    func fuelUsedIsNeverAnotherInvocationsUnderConcurrency() throws {
        let module = try Fixtures.compile(Self.twoExports)
        // On WasmKit the race needs recycled instances; Wasmtime never recycles, and
        // its figures must be just as exact.
        if SandboxEngine.default == .wasmkit { #expect(module.pool != nil, "the race needs recycled instances") }
        let directory = InMemoryDirectory([(nil, module)])
        let invoker = Invoker(configuration: SandboxConfiguration())
        let expected = ["short": Runner.invoke(module, "short"), "long": Runner.invoke(module, "long")]
            .mapValues { (try? $0.get().fuelUsed) ?? 0 }
        #expect(expected["short"] != expected["long"])
        let short = try ExportCall(export: "short", arguments: [], in: module.description)
        let long = try ExportCall(export: "long", arguments: [], in: module.description)
        let seen = Mutex<[String: Set<UInt64>]>([:])
        let threads = 8
        let rounds = 4_000
        let done = DispatchSemaphore(value: 0)
        for index in 0..<threads {
            let thread = Thread {
                var local: [String: Set<UInt64>] = [:]
                for round in 0..<rounds {
                    let export = (round + index) % 2 == 0 ? "short" : "long"
                    let request = InvocationRequest(export == "short" ? short : long, limits: Limits())
                    if case .success(let result) = invoker.run(request, module: module, directory: directory) {
                        local[export, default: []].insert(result.fuelUsed)
                    }
                }
                seen.withLock { $0.merge(local) { $0.union($1) } }
                done.signal()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        for _ in 0..<threads { done.wait() }
        let observed = seen.withLock { $0 }
        #expect(observed["short"] == [expected["short"] ?? 0], "short: \(observed["short"] ?? [])")
        #expect(observed["long"] == [expected["long"] ?? 0], "long: \(observed["long"] ?? [])")
    }
}
