import Foundation
import Testing

/// WASI preview 1 programs built with wasi-libc, over real HTTP.
@Suite(.timeLimit(.minutes(3)))
struct WASITests {
    let daemon: Daemon
    init() throws { daemon = try Daemon() }

    private func upload(_ name: String) throws -> String {
        let answer = try daemon.upload(Paths.fixture("wasi/\(name).wasm"))
        return try #require(answer.json["id"] as? String)
    }

    @Test func helloWorldPrintsAndExitsZero() throws {
        let answer = try daemon.invoke(try upload("hello"), "_start")
        #expect(answer.status == 200)
        #expect(answer.json["stdout"] as? String == "hello, world\n")
        #expect(answer.json["stderr"] as? String == "")
        #expect(answer.json["exit_code"] as? Int == 0)
        #expect(answer.json["results"] as? [Int] == [])
    }

    @Test func argsAndEnvironmentComeFromTheRequest() throws {
        let id = try upload("args_env")
        let plain = try daemon.invoke(id, "_start")
        #expect(plain.json["stdout"] as? String == "argv[0]=_start\n")
        let body = "{\"wasi\":{\"args\":[\"prog\",\"-v\",\"two words\"],\"env\":{\"K\":\"V\"}}}"
        let answer = try daemon.invoke(id, "_start", body)
        #expect(answer.json["stdout"] as? String == "argv[0]=prog\nargv[1]=-v\nargv[2]=two words\nenv K=V\n")
    }

    @Test func stdinIsTheRequestsText() throws {
        let answer = try daemon.invoke(try upload("stdin_checksum"), "_start", "{\"wasi\":{\"stdin\":\"hello\"}}")
        #expect(answer.json["stdout"] as? String == "bytes=5 fnv1a=4f9f2cab\n")
        #expect(answer.json["stderr"] as? String == "done\n")
    }

    @Test func procExitGivesTheExitCode() throws {
        let answer = try daemon.invoke(try upload("exit3"), "_start")
        #expect(answer.status == 200)
        #expect(answer.json["exit_code"] as? Int == 3)
        #expect(answer.json["stdout"] as? String == "exiting with 3\n")
        #expect(answer.json["results"] as? [Int] == [])
    }

    @Test func openingAHostFileFailsInsideTheGuest() throws {
        let answer = try daemon.invoke(try upload("open_passwd"), "_start")
        #expect(answer.status == 200)
        #expect((answer.json["stdout"] as? String)?.hasPrefix("open failed") == true)
        #expect(try daemon.request("GET", "/healthz").status == 200)
    }

    @Test func fiveMebibytesOfStdoutAreCutAtTheCap() throws {
        let answer = try daemon.invoke(try upload("big_output"), "_start")
        #expect(answer.status == 200)
        #expect((answer.json["stdout"] as? String)?.utf8.count == 1 << 20)
        #expect(answer.json["truncated"] as? [String] == ["stdout"])
        #expect(answer.json["exit_code"] as? Int == 0)
    }

    @Test func aTrapMidProgramLeaksAndCrashesNothing() throws {
        let id = try upload("trap_midway")
        for _ in 0..<20 {
            let answer = try daemon.invoke(id, "_start")
            #expect(answer.status == 422)
            #expect(answer.json["detail"] as? String == "unreachable")
        }
        #expect(daemon.isRunning)
        #expect(try daemon.invoke(try upload("hello"), "_start").status == 200)
    }

    @Test func aWASIPointerOutsideMemoryTrapsInsteadOfKillingTheDaemon() throws {
        let answer = try daemon.upload(Paths.root + "/scripts/reliability/regressions/wasi-fd-write-iovec-out-of-bounds.wat")
        let id = try #require(answer.json["id"] as? String)
        let run = try daemon.invoke(id, "_start")
        #expect(run.status == 422)
        #expect(run.json["detail"] as? String == "out of bounds memory access")
        #expect(daemon.isRunning)
    }

    @Test func aNameSectionNamingMissingFunctionsStillGivesATrap() throws {
        let answer = try daemon.upload(Paths.root + "/scripts/reliability/regressions/name-section-function-index-out-of-range.wasm")
        let id = try #require(answer.json["id"] as? String)
        let exports = try #require(answer.json["exports"] as? [[String: Any]])
        let function = try #require(exports.first { $0["kind"] as? String == "func" }?["name"] as? String)
        #expect(try daemon.invoke(id, function).json["code"] as? String == "trap")
        #expect(daemon.isRunning)
    }

    @Test func limitsApplyToWASIProgramsToo() throws {
        let answer = try daemon.invoke(try upload("big_output"), "_start", "{\"fuel\":1000}")
        #expect(answer.json["code"] as? String == "fuel_exhausted")
    }

    @Test func sixteenConcurrentProgramsEachGetOnlyTheirOwnOutput() throws {
        let id = try upload("args_env")
        let mismatches = LockedArray()
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            let body = "{\"wasi\":{\"args\":[\"p\(index)\"],\"env\":{\"N\":\"\(index)\"}}}"
            let answer = try? daemon.invoke(id, "_start", body)
            if answer?.json["stdout"] as? String != "argv[0]=p\(index)\nenv N=\(index)\n" { mismatches.append(index) }
        }
        #expect(mismatches.values.isEmpty)
    }
}
