import Sandbox
import Testing

/// Regressions from the engine differential (EngineDifferentialTests): each
/// pins what both engines answer where Wasmtime once answered differently.
struct EngineAgreementTests {
    static let unnamed = """
        (module
          (memory 1)
          (func $named (export "named") (param i32) (result i32) (call 2 (local.get 0)))
          (func (export "plain") (param i32) (result i32) (call 2 (local.get 0)))
          (func (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0))))
        """

    /// The same module without its name section (the assembler writes one for WAT).
    static func withoutNames() throws -> [UInt8] {
        let compiler = Fixtures.compiler()
        let binary = try compiler.binary(from: Array(unnamed.utf8))
        return Array(binary.prefix(upTo: try #require(Self.nameSectionStart(binary))))
    }

    /// Where the trailing `name` custom section starts (id 0, size, name length 4, "name").
    static func nameSectionStart(_ binary: [UInt8]) -> Int? {
        let marker: [UInt8] = [0x04] + Array("name".utf8)
        for start in stride(from: binary.count - marker.count, to: 8, by: -1)
        where Array(binary[start..<(start + marker.count)]) == marker {
            var offset = start - 1
            while offset > 8, binary[offset - 1] & 0x80 != 0 { offset -= 1 }  // the size's LEB128 bytes
            if binary[offset - 1] == 0x00 { return offset - 1 }
        }
        return nil
    }

    static func backtrace(_ module: CompiledModule, _ export: String) -> [String]? {
        if case .trap(_, let backtrace)? = Runner.failure(module, export, [.i32(0)]) { return backtrace }
        return nil
    }

    /// Wasmtime named only the functions of the name section; WasmKit names the
    /// others by export, and by index when the module has no name section.
    @Test(arguments: SandboxEngine.available)
    func unnamedFunctionsInABacktraceAreNamedAsWasmKitNamesThem(engine: SandboxEngine) throws {
        let named = try Fixtures.compile(Self.unnamed, engine: engine)
        #expect(Self.backtrace(named, "named") == ["wasm function[2]", "named"])
        #expect(Self.backtrace(named, "plain") == ["wasm function[2]", "plain"])
        let stripped = try Self.withoutNames()
        let bare = try Fixtures.compiler(engine: engine).compile(binary: stripped, id: Fixtures.id(for: stripped))
        #expect(Self.backtrace(bare, "named") == ["wasm function[2]", "wasm function[0]"])
        #expect(Self.backtrace(bare, "plain") == ["wasm function[2]", "wasm function[1]"])
    }

    /// Wasmtime gave a WASI call refused by the host the guest's backtrace;
    /// WasmKit gives errors raised by the host none.
    @Test(arguments: SandboxEngine.available)
    func aWASICallRefusedByTheHostHasNoBacktrace(engine: SandboxEngine) throws {
        let module = try Fixtures.compile("""
            (module
              (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
              (memory (export "memory") 1)
              (data (i32.const 0) "\\f0\\ff\\ff\\ff\\10\\00\\00\\00")
              (func $start (export "_start")
                (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))))
            """, engine: engine)
        #expect(Runner.failure(module, "_start") == .trap(detail: "out of bounds memory access", backtrace: []))
    }
}
