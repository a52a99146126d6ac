import Testing
@testable import Sandbox

/// Upload-time checks: format detection, assembly, validation, imports, limits, description.
@Suite(.timeLimit(.minutes(3)))
struct ModuleCompilerTests {
    static let compiler = Fixtures.compiler()
    static let empty: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]

    @Test func aBinaryIsTakenAsIsAndTextIsAssembled() throws {
        #expect(try Self.compiler.binary(from: Self.empty) == Self.empty)
        let assembled = try Self.compiler.binary(from: Array("  (module)\n".utf8))
        #expect(assembled.starts(with: Self.empty))
    }

    @Test func bytesThatAreNeitherWasmNorUTF8AreAnInvalidModule() {
        let error = #expect(throws: SandboxError.self) { try Self.compiler.binary(from: [0xFF, 0xFE, 0x00]) }
        guard case .invalidModule(let message)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(message.contains("\\0asm"))
    }

    @Test func textThatDoesNotAssembleNamesLineAndColumn() {
        let error = #expect(throws: SandboxError.self) {
            try Self.compiler.binary(from: Array("(module\n  (func (export \"f\") (i32.add)))\n  (bogus))".utf8))
        }
        guard case .invalidWAT(let message)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(message.contains("line "), "\(message)")
        #expect(!message.contains("Location("))
    }

    @Test(arguments: [
        [0x00, 0x61, 0x73, 0x6D],
        [0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00],
        [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01],
    ] as [[UInt8]])
    func truncatedOrWrongVersionBinariesAreInvalid(bytes: [UInt8]) {
        let error = #expect(throws: SandboxError.self) { try Self.compiler.compile(binary: bytes, id: "x") }
        guard case .invalidModule? = error else { Issue.record("got \(String(describing: error))"); return }
    }

    @Test(arguments: [
        "(module (func (result i32) (i64.const 1)))",
        "(module (func (param i32) (result i32) (f32.add (local.get 0) (local.get 0))))",
        "(module (func (drop)))",
    ])
    func anInvalidFunctionBodyIsRefusedAtCompileTime(wat: String) throws {
        let binary = try Self.compiler.binary(from: Array(wat.utf8))
        let error = #expect(throws: SandboxError.self) { try Self.compiler.compile(binary: binary, id: "x") }
        guard case .invalidModule(let message)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(!message.isEmpty)
        #expect(!message.contains("\n"))
    }

    @Test func anUnknownImportNamesItAndWhatIsProvided() throws {
        let error = #expect(throws: SandboxError.self) { try Fixtures.compile("(module (import \"env\" \"f\" (func)))") }
        guard case .unknownImport(let message)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(message.hasPrefix("env.f is not provided"))
        #expect(message.contains("call, input_read, input_size, invoke, log, output_write"))
        #expect(message.contains("wasi_snapshot_preview1"))
        let missing = #expect(throws: SandboxError.self) { try Fixtures.compile("(module (import \"host\" \"exec\" (func)))") }
        guard case .unknownImport(let detail)? = missing else { Issue.record("got \(String(describing: missing))"); return }
        #expect(detail.hasPrefix("host.exec is not provided; 'host' provides call, "))
    }

    @Test func anImportOfTheWrongTypeOrKindNamesBothTypes() {
        let function = #expect(throws: SandboxError.self) {
            try Fixtures.compile("(module (import \"host\" \"log\" (func (param i32))))")
        }
        #expect(function == .importTypeMismatch(
            "host.log is imported as log(i32) -> (), but the host provides log(i32, i32) -> ()"))
        let memory = #expect(throws: SandboxError.self) { try Fixtures.compile("(module (import \"host\" \"log\" (memory 1)))") }
        #expect(memory == .importTypeMismatch(
            "host.log is imported as a memory, but it is the function log(i32, i32) -> ()"))
        let wasi = #expect(throws: SandboxError.self) {
            try Fixtures.compile("(module (import \"wasi_snapshot_preview1\" \"proc_exit\" (func (param i64))))")
        }
        guard case .importTypeMismatch? = wasi else { Issue.record("got \(String(describing: wasi))"); return }
    }

    @Test func initialSizesOverTheLimitsAreRefusedAtUpload() {
        let limits = Limits(maxMemoryBytes: 65536, maxTableElements: 10)
        let memory = #expect(throws: SandboxError.self) { try Fixtures.compile("(module (memory 2))", limits: limits) }
        #expect(memory == .limitExceeded("initial memory of 131072 bytes exceeds limits.max_memory_bytes (65536)"))
        let table = #expect(throws: SandboxError.self) { try Fixtures.compile("(module (table 11 funcref))", limits: limits) }
        #expect(table == .limitExceeded("initial table of 11 elements exceeds limits.max_table_elements (10)"))
        #expect(throws: Never.self) { try Fixtures.compile("(module (memory 1) (table 10 funcref))", limits: limits) }
    }

    @Test func aModuleWhoseSegmentsDoNotFitStillCompilesAndTrapsWhenRun() throws {
        let module = try Fixtures.compile("(module (memory 1) (data (i32.const 65535) \"ab\") (func (export \"f\")))")
        guard case .trap(let detail, _)? = Runner.failure(module, "f") else { Issue.record("expected a trap"); return }
        #expect(detail.contains("out of bounds"))
    }

    @Test func theDescriptionListsExportsAndImportsWithTypes() throws {
        let module = try Fixtures.compile("""
            (module
              (import "host" "log" (func (param i32 i32)))
              (memory (export "memory") 1 2)
              (table (export "table") 1 funcref)
              (global (export "counter") (mut i64) (i64.const 0))
              (func (export "add") (param i32 f64) (result f32 v128) (f32.const 0) (v128.const i64x2 0 0))
              (func (export "r") (param externref) (result funcref) (ref.null func)))
            """)
        #expect(module.description.imports == [
            .init(module: "host", name: "log", entity: .function(.init(params: [.i32, .i32], results: []))),
        ])
        #expect(module.description.exports.map(\.name) == ["memory", "table", "counter", "add", "r"])
        #expect(module.description.exports.map(\.entity) == [
            .memory(min: 1, max: 2), .table(element: "funcref", min: 1, max: nil), .global(type: .i64, mutable: true),
            .function(.init(params: [.i32, .f64], results: [.f32, .v128])),
            .function(.init(params: [.externref], results: [.funcref])),
        ])
        #expect(module.description.functionNames == ["add", "r"])
        #expect(module.description.function(named: "memory") == nil)
        #expect(!module.usesWASI)
    }

    @Test func aWASICommandIsRecognised() throws {
        let bytes = try Fixtures.fixture("wasi/hello.wasm")
        let module = try Self.compiler.compile(binary: bytes, id: Fixtures.id(for: bytes))
        #expect(module.usesWASI)
        #expect(module.description.function(named: "_start") == .init(params: [], results: []))
        #expect(module.size == bytes.count)
    }

    @Test(arguments: [
        (FunctionSignature(params: [.i32, .i32], results: [.i32]), "add(i32, i32) -> i32"),
        (FunctionSignature(params: [], results: []), "add() -> ()"),
        (FunctionSignature(params: [.v128], results: [.f32, .externref]), "add(v128) -> (f32, externref)"),
    ])
    func signaturesDisplayAsInErrorDetails(signature: FunctionSignature, text: String) {
        #expect(signature.display(name: "add") == text)
    }
}
