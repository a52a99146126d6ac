import Foundation
import Testing

/// Components over real HTTP (the full type mapping is checked against the
/// wasmtime Python package by tests/components/run.sh; these cover what it does not).
struct ComponentTests {
    let daemon: Daemon
    init() throws { daemon = try Daemon() }

    private func fixture(_ name: String) -> String { Paths.fixture("components/\(name).wat") }

    @Test(.enabled(if: !TestEngine.isWasmKit))
    func aComponentIsDescribedWithWITTypesAndCalledWithJSON() throws {
        let upload = try daemon.upload(fixture("strings"), name: "greeter")
        #expect(upload.status == 201, "\(upload.text)")
        #expect(upload.json["kind"] as? String == "component")
        let exports = try #require(upload.json["exports"] as? [[String: Any]])
        let greet = try #require(exports.first { $0["name"] as? String == "greet" })
        #expect(greet["result"] as? String == "string")
        #expect((greet["params"] as? [[String: String]]) == [["name": "name", "type": "string"]])
        #expect((upload.json["wit"] as? String)?.contains("export greet: func(name: string) -> string;") == true)

        let positional = try daemon.invoke("greeter", "greet", #"{"args":["world"]}"#)
        #expect(positional.json["results"] as? [String] == ["Hello, world!"])
        let named = try daemon.invoke("greeter", "greet", #"{"args":{"name":"wörld 🎉"}}"#)
        #expect(named.json["results"] as? [String] == ["Hello, wörld 🎉!"])
    }

    @Test(.enabled(if: !TestEngine.isWasmKit))
    func aWrongValueNamesTheSignatureAndThePath() throws {
        _ = try daemon.upload(fixture("compound"), name: "compound")
        let answer = try daemon.invoke("compound", "echo-points", #"{"args":[[{"x":1,"y":2},{"x":4294967296,"y":0}]]}"#)
        #expect(answer.status == 400)
        #expect(answer.json["code"] as? String == "bad_args")
        #expect(answer.json["detail"] as? String == "echo-points(ps: list<point>) -> list<point>: args[0][1].x: 4294967296 is out of range for s32")
        let unknown = try daemon.invoke("compound", "echo-point", #"{"args":[{"x":1,"y":2,"z":3}]}"#)
        #expect((unknown.json["detail"] as? String)?.contains("unknown field 'z'") == true, "\(unknown.text)")
    }

    @Test(.enabled(if: !TestEngine.isWasmKit))
    func resourceFunctionsAreListedButNotCallable() throws {
        let upload = try daemon.upload(fixture("resources"), name: "files")
        let exports = try #require(upload.json["exports"] as? [[String: Any]])
        let open = try #require(exports.first { $0["name"] as? String == "example:demo/files#open" })
        #expect(open["callable"] as? Bool == false)
        #expect(open["result"] as? String == "own<file>")
        let answer = try daemon.invoke("files", "open", #"{"args":["/etc/passwd"]}"#)
        #expect(answer.status == 400)
        #expect((answer.json["detail"] as? String)?.contains("resource types cannot cross JSON") == true)
    }

    @Test(.enabled(if: !TestEngine.isWasmKit), .timeLimit(.minutes(1)))
    func limitsAndTrapsAnswerAsForModules() throws {
        _ = try daemon.upload(fixture("limits"), name: "limits")
        let fuel = try daemon.invoke("limits", "spin", #"{"fuel":100000}"#)
        #expect(fuel.status == 422 && fuel.json["code"] as? String == "fuel_exhausted")
        let deadline = try daemon.invoke("limits", "spin", #"{"timeout_ms":30}"#)
        #expect(deadline.status == 504 && deadline.json["code"] as? String == "timeout", "\(deadline.text)")
        let deep = try daemon.invoke("limits", "recurse", #"{"args":[10000000]}"#)
        #expect(deep.status == 422 && deep.json["detail"] as? String == "call stack exhausted")
        #expect(try daemon.request("GET", "/healthz").status == 200)
    }

    @Test(.enabled(if: !TestEngine.isWasmKit))
    func aWASICommandGivesItsOutputAndExitCode() throws {
        _ = try daemon.upload(fixture("wasi_command"), name: "cmd")
        let answer = try daemon.invoke("cmd", "run", #"{"wasi":{"args":["prog","3","x"]}}"#)
        #expect(answer.status == 200)
        #expect(answer.json["stdout"] as? String == "hello from wasi:cli/run\n3\nx\n")
        #expect(answer.json["exit_code"] as? Int == 3)
        #expect(answer.json["results"] as? [Int] == [])
        let ok = try daemon.invoke("cmd", "run")
        #expect(ok.json["exit_code"] as? Int == 0)
    }

    @Test(.enabled(if: !TestEngine.isWasmKit))
    func aLoopThroughTwoComponentsAndACoreModuleIs508() throws {
        for (file, name) in [("loop_a", "loop-a"), ("loop_b", "loop-b"), ("loop_c", "loop-c")] {
            #expect(try daemon.upload(fixture(file), name: name).status == 201)
        }
        let loop = try daemon.invoke("loop-a", "go", #"{"args":[1]}"#)
        #expect(loop.status == 508)
        #expect(loop.json["reason"] as? String == "repeat")
        #expect(loop.json["chain"] as? [String] == ["loop-a.go(1)", "loop-b.go(\"1\")", "loop-c.go(1)", "loop-a.go(1)"])
        let busy = try daemon.invoke("loop-a", "countdown", #"{"args":[2]}"#)
        #expect(busy.status == 508 && busy.json["reason"] as? String == "repeat", "\(busy.text)")
        #expect(try daemon.invoke("loop-c", "countdown", #"{"args":[2]}"#).json["results"] as? [Int] == [2])
    }

    @Test(.enabled(if: !TestEngine.isWasmKit))
    func aComponentSurvivesARestartAndCoreModulesSayTheirKind() throws {
        _ = try daemon.upload(fixture("strings"), name: "greeter")
        _ = try daemon.uploadText("(module (func (export \"f\")))", name: "core")
        #expect(daemon.terminate() == 0)
        try daemon.start()
        #expect(try daemon.invoke("greeter", "greet", #"{"args":["again"]}"#).json["results"] as? [String] == ["Hello, again!"])
        #expect(try daemon.request("GET", "/v1/modules/core").json["kind"] as? String == "module")
    }

    @Test(.enabled(if: !TestEngine.isWasmKit))
    func theCLICallsAComponentWithWAVEOrJSON() throws {
        let wave = try Command.wasmhost(["run", "--invoke", #"area(rect({width: 2.0, height: 3.5}))"#, fixture("variants")])
        #expect(wave.status == 0, "\(wave.err)")
        #expect(wave.out.hasPrefix(#"{"results":[7.0],"#), "\(wave.out)")
        let nested = try Command.wasmhost(["run", "--invoke", "echo-opt-opt(some(none))", fixture("variants")])
        #expect(nested.out.hasPrefix(#"{"results":[{"tag":"some","val":null}],"#), "\(nested.out)")
        let json = try Command.wasmhost(["run", "--invoke", "greet", "--args-json", #"{"name":"json"}"#, fixture("strings")])
        #expect(json.out.hasPrefix(#"{"results":["Hello, json!"],"#), "\(json.out)")
        let check = try Command.wasmhost(["check", fixture("resources")])
        #expect(check.out.contains("valid component"), "\(check.out)")
        #expect(check.out.contains("example:demo/files#open(path: string) -> own<file>  (not callable"), "\(check.out)")
        let bad = try Command.wasmhost(["run", "--invoke", "echo-s8(300)", fixture("scalars")])
        #expect(bad.status == 1)
        #expect(bad.out.contains("300 is out of range for s8"), "\(bad.out)")
    }

    @Test(.enabled(if: TestEngine.isWasmKit))
    func onWasmKitAComponentIsUnsupportedAndNothingIsStored() throws {
        let answer = try daemon.upload(fixture("strings"), name: "greeter")
        #expect(answer.status == 422)
        #expect(answer.json["code"] as? String == "unsupported_module")
        #expect((answer.json["detail"] as? String)?.contains("sandbox.engine") == true)
        #expect(try daemon.request("GET", "/v1/modules").json["modules"] as? [Any] == nil
            || (try daemon.request("GET", "/v1/modules").json["modules"] as? [Any])?.isEmpty == true)
    }
}
