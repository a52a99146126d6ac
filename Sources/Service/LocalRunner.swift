import Foundation
import HTTPServer
import Logging
import ModuleStore
import Sandbox

/// Runs the service's own code paths without a socket, for the CLI's `check`
/// and `run`: same validation, sandbox, value syntax and JSON. The limits are
/// the configuration's, so a local run can raise them past the server's defaults.
public struct LocalRunner {
    let service: WasmhostService
    let directory: String

    /// Creates a runner over a throwaway store in a temp directory.
    public init(configuration: ServiceConfiguration = .init()) throws {
        directory = NSTemporaryDirectory() + "wasmhost-run-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let store = try ModuleStore(dataDirectory: directory, logger: Logger(label: "wasmhost.run"))
        service = WasmhostService(configuration: configuration, store: store, logger: Logger(label: "wasmhost.run"))
    }

    /// Stops the service's pools and removes the temp store.
    public func close() {
        service.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Sends one request through the service and waits for the answer.
    public func send(_ request: HTTPRequest) -> HTTPResponse { service.answer(request) }

    /// Uploads `bytes`; the answer is the module description or a problem.
    public func upload(_ bytes: [UInt8]) -> HTTPResponse {
        send(HTTPRequest(method: "POST", path: "/v1/modules", body: bytes))
    }

    /// Invokes `export` of module `id` on a guest worker and waits.
    ///
    /// - Parameters:
    ///   - arguments: command-line words, each read as JSON when it parses (`1`,
    ///     `-0.0`, `null`, `{"bits":"0x1"}`), else as a string (`nan`, `0x10`).
    ///   - wasi: argv, environment and stdin; `nil` gives the API's defaults.
    public func invoke(
        id: String, export: String, arguments: [String], input: [UInt8] = [], wasi: WASIOptions? = nil
    ) -> LocalAnswer {
        var body = InvokeBody()
        body.args = arguments.map { word in (try? JSONParser.parse(Array(word.utf8))) ?? .string(word) }
        body.input = input
        body.wasi = wasi ?? WASIOptions(args: [export])
        return run(id: id, export: export, body: body)
    }

    /// Invokes `export` with `args` given as JSON text: an array, or (components)
    /// an object keyed by parameter name.
    public func invoke(id: String, export: String, argumentsJSON: String, input: [UInt8] = []) -> LocalAnswer {
        var body = InvokeBody()
        do throws(APIError) {
            body = try InvokeBody(Array("{\"args\":\(argumentsJSON)}".utf8))
        } catch {
            return LocalAnswer(response: APIError(.badArgs, "--args-json: \(error.detail)").response, streams: nil)
        }
        body.input = input
        body.wasi = WASIOptions(args: [export])
        return run(id: id, export: export, body: body)
    }

    /// `NAME(ARGS…)` in WAVE, as `wasmtime run --invoke` takes it, for a component:
    /// the function's name and its arguments as JSON words; `nil` for a core module.
    public func waveCall(id: String, _ text: String) throws(APIError) -> (export: String, arguments: [String])? {
        guard let component = try service.directory.compiledForRequest(id: id).component else { return nil }
        do {
            let call = try WAVE.call(text, in: component)
            return (call.export, call.args.map { String(decoding: JSONWriter.encode($0), as: UTF8.self) })
        } catch {
            throw APIError(.badArgs, "--invoke: \(error.message)")
        }
    }

    private func run(id: String, export: String, body: InvokeBody) -> LocalAnswer {
        let limits = service.configuration.sandbox.limits
        let answer = service.onWorkerWaiting { [service, body] () -> LocalAnswer in
            let exchange = Exchange(request: HTTPRequest(method: "POST", path: "/local"))
            defer { service.logCause(exchange, status: 500) }
            do throws(APIError) {
                let result = try service.execute(id, export: export, body: body, limits: limits)
                let streams = switch result {
                case .success(let answer): answer
                case .failure(let failure): failure.partial
                }
                return LocalAnswer(response: service.outcome(result, exchange), streams: streams)
            } catch {
                return LocalAnswer(response: service.problem(error, exchange), streams: nil)
            }
        }
        return answer ?? LocalAnswer(response: APIError(SandboxError.overloaded).response, streams: nil)
    }
}

/// What a local invocation gave: the API's answer, and the guest's streams as
/// raw bytes (also after a failure, with what was written before it).
public struct LocalAnswer: Sendable {
    /// The JSON answer or problem, exactly as the HTTP API would send it.
    public let response: HTTPResponse
    /// Results, stdout, stderr and exit code; `nil` when the guest never ran.
    public let streams: InvocationResult?
}
