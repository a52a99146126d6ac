import Foundation
import Testing

/// `wasmhost run` with the habits of `wasmtime run`, and `wasmhost check` (issue 19),
/// through the real executable.
@Suite(.timeLimit(.minutes(1)))
struct RunHabitsTests {
    private func wasi(_ name: String) -> String { Paths.fixture("wasi/\(name).wasm") }

    @Test func aWASICommandGetsArgvAfterTheFileAndOnlyTheEnvGiven() throws {
        let path = wasi("args_env")
        var environment = ProcessInfo.processInfo.environment
        environment["WASMHOST_TEST_SECRET"] = "leak"
        environment["FROM_HOST"] = "passed"
        let result = try Command.wasmhost(
            ["run", "--env", "K=V=W", "--env", "FROM_HOST", path, "-v", "two words", "--json"], environment: environment)
        #expect(result.status == 0, "\(result.err)")
        // Raw stdout, not JSON; `--json` after FILE belongs to the guest.
        #expect(result.out == "argv[0]=\(path)\nargv[1]=-v\nargv[2]=two words\nargv[3]=--json\nenv K=V=W\nenv FROM_HOST=passed\n"
            || result.out == "argv[0]=\(path)\nargv[1]=-v\nargv[2]=two words\nargv[3]=--json\nenv FROM_HOST=passed\nenv K=V=W\n",
            "\(result.out)")
        #expect(!result.out.contains("leak"))
    }

    @Test func stdinIsThisProcesssStdinAndStderrIsRaw() throws {
        let result = try Command.wasmhost(["run", wasi("stdin_checksum")], stdin: Array("hello".utf8))
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out == "bytes=5 fnv1a=4f9f2cab\n")
        #expect(result.err == "done\n")
    }

    @Test func theExitCodeIsTheGuests() throws {
        let result = try Command.wasmhost(["run", wasi("exit3")])
        #expect(result.status == 3, "\(result.err)")
        let hello = try Command.wasmhost(["run", wasi("hello")])
        #expect(hello.status == 0)
        #expect(hello.out == "hello, world\n")
    }

    @Test func aTrapExits134AfterWhatTheGuestWrote() throws {
        let result = try Command.wasmhost(["run", wasi("trap_midway")])
        #expect(result.status == 134, "\(result.out) \(result.err)")
        #expect(result.out == "before\n")
        #expect(result.err.contains("wasmhost: trap:"), "\(result.err)")
    }

    @Test func jsonBeforeTheFileGivesTheAPIAnswer() throws {
        let result = try Command.wasmhost(["run", "--json", wasi("exit3")])
        #expect(result.status == 3)
        #expect(result.json["exit_code"] as? Int == 3, "\(result.out)")
        #expect(result.json["fuel_used"] != nil)
    }

    @Test func aModuleWithoutStartSaysToUseInvoke() throws {
        let result = try Command.wasmhost(["run", Paths.example("add.wat"), "--invoke", "add", "1", "2"])
        #expect(result.status == 1)
        #expect(result.err.contains("--invoke EXPORT"), "\(result.err)")
        #expect(result.err.contains("options such as --invoke go before FILE"), "\(result.err)")
    }

    @Test func invokeCallsOneFunctionWithJSONAndAnExitCodeForSuccess() throws {
        let ok = try Command.wasmhost(["run", "--invoke", "add", Paths.example("add.wat"), "1", "-2"])
        #expect(ok.status == 0, "\(ok.err)")
        #expect(ok.json["results"] as? [Int] == [-1], "\(ok.out)")
        let bad = try Command.wasmhost(["run", "--invoke", "add", Paths.example("add.wat"), "1"])
        #expect(bad.status == 1)
        #expect(bad.json["code"] as? String == "bad_args", "\(bad.out)")
    }

    static let spin = "(module (func (export \"spin\") (loop (br 0))))"
    static let bigMemory = "(module (memory (export \"m\") 2000) (func (export \"pages\") (result i32) memory.size))"

    private func module(_ text: String) throws -> String {
        let path = Paths.temporaryDirectory() + "/m.wat"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func theLimitsAreTheOnesGivenOnTheCommandLine() throws {
        let spin = try module(Self.spin)
        let fuel = try Command.wasmhost(["run", "--fuel", "5000", "--invoke", "spin", spin])
        #expect(fuel.status == 1)
        #expect(fuel.json["code"] as? String == "fuel_exhausted", "\(fuel.out)")
        #expect(fuel.json["limit"] as? Int == 5000)
        let deadline = try Command.wasmhost(["run", "--timeout-ms", "300", "--invoke", "spin", spin])
        #expect(deadline.json["code"] as? String == "timeout", "\(deadline.out)")
        #expect(deadline.json["timeout_ms"] as? Int == 300)
        #expect(try Command.wasmhost(["run", "--fuel", "0", "--invoke", "spin", spin]).status != 0)
    }

    @Test func aLocalRunMayGoPastTheServersMemoryLimit() throws {
        // 2000 pages (125 MiB) are over the daemon's default limits.max_memory_bytes (64 MiB).
        let big = try module(Self.bigMemory)
        let defaults = try Command.wasmhost(["run", "--invoke", "pages", big])
        #expect(defaults.json["results"] as? [Int] == [2000], "\(defaults.out) \(defaults.err)")
        let raised = try Command.wasmhost(["run", "--max-memory-bytes", "200000000", "--invoke", "pages", big])
        #expect(raised.json["results"] as? [Int] == [2000], "\(raised.out) \(raised.err)")
        let lowered = try Command.wasmhost(["run", "--max-memory-bytes", "1000000", "--invoke", "pages", big])
        #expect(lowered.status == 1)
        #expect(lowered.err.contains("limit_exceeded"), "\(lowered.err)")
    }

    @Test func checkPrintsOneLinePerExportAndImport() throws {
        let text = try Command.wasmhost(["check", Paths.example("add.wat")])
        #expect(text.status == 0)
        #expect(text.out.contains("valid module"), "\(text.out)")
        #expect(text.out.contains("func   add(i32, i32) -> i32"), "\(text.out)")
        #expect(text.out.contains("imports: none"), "\(text.out)")
        let wasi = try Command.wasmhost(["check", wasi("hello")])
        #expect(wasi.out.contains("func   wasi_snapshot_preview1.fd_write(i32, i32, i32, i32) -> i32"), "\(wasi.out)")
        let json = try Command.wasmhost(["check", "--json", Paths.example("add.wat")])
        #expect((json.json["id"] as? String)?.count == 64, "\(json.out)")
        let bad = try Command.wasmhost(["check", try module("(module (func")])
        #expect(bad.status == 1)
        #expect(bad.err.contains("invalid_wat"), "\(bad.err)")
        let badJSON = try Command.wasmhost(["check", "--json", try module("(module (func")])
        #expect(badJSON.status == 1)
        #expect(badJSON.json["code"] as? String == "invalid_wat", "\(badJSON.out)")
    }
}
