import ArgumentParser
import Foundation
import Sandbox
import Service

/// `wasmhost run [OPTIONS] FILE [ARGS...]`: run a module once, no server, the
/// way `wasmtime run` does.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a WASI command, or one export with --invoke, once and without a server.",
        discussion: """
            wasmhost run [OPTIONS] FILE [ARGS...]
              runs the WASI command's _start: ARGS are its argv (after FILE), its stdin is \
            this process's stdin (read whole), its stdout and stderr are written here as they are, \
            and wasmhost exits with the guest's exit code (134 when the guest traps).
            wasmhost run [OPTIONS] --invoke EXPORT FILE [ARGS...]
              calls one function and prints the JSON answer; ARGS use the API's value syntax \
            (1, -0.0, nan, inf, 0x10, '{"bits":"0x7fc00001"}'). Exits 0 when the call succeeded, 1 when not.
            wasmhost run [OPTIONS] --invoke 'greet("world")' COMPONENT
              calls a component function written in WAVE, as wasmtime run --invoke takes it; \
            --args-json '["world"]' (or '{"name":"world"}') gives the arguments as the API's JSON instead.
            Options go before FILE: every word after FILE belongs to the guest, as with wasmtime run.
            A local run has no fuel, deadline or memory limit unless you set one.
            """)

    @Option(help: ArgumentHelp("Call this export with ARGS and print the JSON answer.", valueName: "EXPORT"))
    var invoke: String?

    @Option(help: ArgumentHelp(
        "Give the guest an environment variable: K=V, or K for this process's value of K. "
            + "Repeatable; the guest sees no other variables.", valueName: "K=V"))
    var env: [String] = []

    @Option(name: .customLong("args-json"), help: ArgumentHelp(
        "With --invoke: the arguments as the API's JSON, an array or (components) an object keyed by parameter name.",
        valueName: "JSON"))
    var argumentsJSON: String?

    @Option(help: "Text for host.input_size / host.input_read.")
    var input: String?

    @Flag(help: "Print the JSON answer (results, stdout, stderr, exit_code, fuel_used) instead of the guest's raw output.")
    var json = false

    @Option(help: "Fuel budget (about one unit per operator); default: unlimited.")
    var fuel: UInt64?

    @Option(name: .customLong("timeout-ms"), help: "Wall-clock deadline in milliseconds; default: none.")
    var timeoutMilliseconds: Int?

    @Option(name: .customLong("max-memory-bytes"), help: "Largest linear memory in bytes; default: 4 GiB, all a 32-bit memory can address.")
    var maxMemoryBytes: Int?

    @Argument(help: "The module file (.wasm or .wat).")
    var file: String

    @Argument(parsing: .captureForPassthrough, help: "The guest's argv after FILE, or the export's arguments with --invoke.")
    var arguments: [String] = []

    /// A deadline no local run reaches (about 35 years), kept far from overflowing nanoseconds.
    static let noDeadlineMilliseconds = 1 << 40

    mutating func validate() throws {
        if let fuel, fuel == 0 { throw ValidationError("--fuel must be at least 1") }
        if let timeoutMilliseconds, !(1...Self.noDeadlineMilliseconds).contains(timeoutMilliseconds) {
            throw ValidationError("--timeout-ms must be between 1 and \(Self.noDeadlineMilliseconds)")
        }
        if let maxMemoryBytes, maxMemoryBytes < 0 { throw ValidationError("--max-memory-bytes must not be negative") }
        for pair in env where pair.hasPrefix("=") || pair.isEmpty || pair.contains("\0") {
            throw ValidationError("--env takes K=V or K with a non-empty name, got '\(pair)'")
        }
    }

    func run() throws {
        let module = try ModuleFile.load(file, configuration: localConfiguration)
        defer { module.runner.close() }
        if let invoke {
            let input = Array((input ?? "").utf8)
            let answer: LocalAnswer
            if let argumentsJSON {
                answer = module.runner.invoke(id: module.id, export: invoke, argumentsJSON: argumentsJSON, input: input)
            } else if invoke.contains("("), let call = try waveCall(module, invoke) {
                answer = module.runner.invoke(id: module.id, export: call.export, arguments: call.arguments, input: input)
            } else {
                answer = module.runner.invoke(id: module.id, export: invoke, arguments: arguments, input: input)
            }
            ModuleFile.print(answer.response)
            if answer.response.status >= 300 { throw ExitCode(1) }
            return
        }
        let wasi = WASIOptions(args: [file] + arguments, environment: environment(),
                               stdin: module.imports("wasi_snapshot_preview1", "fd_read") ? Self.readStandardInput() : [])
        let answer = module.runner.invoke(
            id: module.id, export: "_start", arguments: [], input: Array((input ?? "").utf8), wasi: wasi)
        if json {
            ModuleFile.print(answer.response)
        } else {
            if let stdout = answer.streams?.stdout { FileHandle.standardOutput.write(Data(stdout)) }
            if let stderr = answer.streams?.stderr { FileHandle.standardError.write(Data(stderr)) }
        }
        guard answer.response.status < 300 else { throw ExitCode(failureStatus(answer)) }
        throw ExitCode(answer.streams?.exitCode ?? 0)
    }

    /// A component call written in WAVE (`greet("world")`); `nil` for a core module.
    private func waveCall(_ module: ModuleFile.Loaded, _ text: String) throws -> (export: String, arguments: [String])? {
        do { return try module.runner.waveCall(id: module.id, text) } catch {
            ModuleFile.print(error.response)
            throw ExitCode(1)
        }
    }

    /// The limits a local run applies: the user's, else none.
    private var localConfiguration: ServiceConfiguration {
        let limits = Limits(
            fuel: fuel ?? .max, timeoutMilliseconds: timeoutMilliseconds ?? Self.noDeadlineMilliseconds,
            maxMemoryBytes: maxMemoryBytes ?? 1 << 32, maxOutputBytes: 1 << 30)
        return ServiceConfiguration(maxConcurrent: 1, maxQueue: 1, sandbox: SandboxConfiguration(limits: limits))
    }

    /// The guest's environment: only the `--env` variables.
    private func environment() -> [String: String] {
        var variables: [String: String] = [:]
        for pair in env {
            if let equals = pair.firstIndex(of: "=") {
                variables[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            } else if let value = ProcessInfo.processInfo.environment[pair] {
                variables[pair] = value
            }
        }
        return variables
    }

    /// Says why the run failed on stderr; the exit status: 134 (as `wasmtime run`
    /// gives for a trap) when the guest failed while running, 1 when it never ran.
    private func failureStatus(_ answer: LocalAnswer) -> Int32 {
        let problem = Problem(answer.response)
        var message = "\(problem.code): \(problem.detail)"
        if problem.code == "export_not_found" {
            message = "\(file) has no _start export, so it is not a WASI command; "
                + "call a function with: wasmhost run --invoke EXPORT \(file) ARGS...  (\(problem.detail))"
            if arguments.contains("--invoke") { message += "; options such as --invoke go before FILE" }
        }
        if !json { FileHandle.standardError.write(Data("wasmhost: \(message)\n".utf8)) }
        return Self.guestFailures.contains(problem.code) ? 134 : 1
    }

    /// Problems of a guest that started and then failed, which `wasmtime run` reports as a trap.
    static let guestFailures: Set<String> = ["trap", "fuel_exhausted", "timeout", "reentrancy_loop", "limit_exceeded"]

    /// This process's stdin, read to its end.
    static func readStandardInput() -> [UInt8] {
        Array(FileHandle.standardInput.readDataToEndOfFile())
    }
}
