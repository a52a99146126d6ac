import Testing
@testable import Sandbox

/// `host.invoke` at the edges: a target that vanishes, a target that exits.
@Suite(.timeLimit(.minutes(3)))
struct HostInvokeEdgeTests {
    static let caller = """
        (module
          (import "host" "invoke" (func $invoke (param i32 i32 i32 i32 i64) (result i64)))
          (import "host" "log" (func $log (param i32 i32)))
          (memory (export "memory") 1)
          (data (i32.const 0) "quitterquitbefore")
          (func (export "go") (result i64)
            (call $log (i32.const 11) (i32.const 6))
            (call $invoke (i32.const 0) (i32.const 7) (i32.const 7) (i32.const 4) (i64.const 1))))
        """

    static let quitter = """
        (module
          (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (memory (export "memory") 1)
          (data (i32.const 16) "bye\\n")
          (func (export "quit") (param i64) (result i64)
            (i32.store (i32.const 0) (i32.const 16))
            (i32.store (i32.const 4) (i32.const 4))
            (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
            (call $exit (i32.const 3))
            (i64.const 0)))
        """

    /// Resolves every ref, but the module's bytes are gone (deleted in between).
    final class VanishingDirectory: ModuleDirectory {
        func compiledModule(for ref: String) throws(SandboxError) -> CompiledModule? {
            throw .moduleNotFound(String(repeating: "ab", count: 32))
        }
        func label(for id: String) -> String { String(id.prefix(12)) }
    }

    @Test func aTargetDeletedBetweenLookupAndLoadIsATrapNotA404() throws {
        let module = try Fixtures.compile(Self.caller)
        let call = try ExportCall(export: "go", arguments: [], in: module.description)
        let outcome = Runner.onWorker {
            Invoker(configuration: SandboxConfiguration()).run(
                InvocationRequest(call, limits: Limits()),
                module: module, directory: VanishingDirectory())
        }
        guard case .failure(let failure) = outcome else {
            Issue.record("expected a trap, got \(outcome)")
            return
        }
        #expect(failure.error == .trap(detail: "host.invoke: no module 'quitter'", backtrace: []))
    }

    @Test func procExitInAHostInvokeTargetEndsTheWholeInvocationWithItsCodeAndOutput() throws {
        let root = try Fixtures.compile(Self.caller)
        let target = try Fixtures.compile(Self.quitter)
        let directory = InMemoryDirectory([(nil, root), ("quitter", target)])
        let result = try Runner.invoke(root, "go", directory: directory).get()
        #expect(result.results == [])
        #expect(result.exitCode == 3)
        #expect(result.stdout == Array("bye\n".utf8))
        #expect(result.logs == ["before"])
    }
}
