import HTTPServer
import Sandbox

extension WasmhostService {
    /// `POST /v1/modules/{ref}/invoke/{export}`: checks on the event thread (cheap),
    /// then runs the guest on a worker thread.
    func invoke(ref: String, export: String, request: HTTPRequest, exchange: Exchange) throws(APIError) -> HTTPHandling {
        guard isReady.load(ordering: .relaxed) else { throw APIError(SandboxError.notReady) }
        let body = try InvokeBody(request.body)
        guard let record = store.resolve(ref) else {
            throw APIError(.moduleNotFound, "no module with id or name '\(ref.prefix(200))'")
        }
        exchange.moduleID = record.id
        let limits = configuration.sandbox.limits.lowered(fuel: body.fuel, timeoutMilliseconds: body.timeoutMilliseconds)
        let receivedAt = InvocationRequest.now()
        return .deferred { [self] complete in
            let accepted = workers.submit {
                complete(self.finish(self.run(record.id, export: export, body: body, limits: limits, receivedAt: receivedAt, exchange: exchange), exchange))
            }
            if !accepted {
                exchange.outcome = "overloaded"
                ServiceMetrics.invocation(outcome: "overloaded", microseconds: 0, fuelUsed: 0, crossings: 0)
                complete(finish(APIError(SandboxError.overloaded).response, exchange))
            }
        }
    }

    /// Runs on a worker thread.
    private func run(_ id: String, export: String, body: InvokeBody, limits: Limits, receivedAt: UInt64, exchange: Exchange) -> HTTPResponse {
        do {
            let module = try directory.compiled(id: id)
            guard let signature = module.description.function(named: export) else {
                // The Sandbox names the error (export_not_found or not_a_function).
                return outcome(invoker.run(
                    InvocationRequest(export: export, arguments: [], limits: limits, receivedAt: receivedAt), module: module, directory: directory), exchange)
            }
            let arguments = try ValueCodec.arguments(body.args, for: signature, export: export)
            var wasi = body.wasi
            if wasi.args == nil { wasi.args = [export] }
            let request = InvocationRequest(
                export: export, arguments: arguments, input: body.input, limits: limits, wasi: wasi, receivedAt: receivedAt)
            return outcome(invoker.run(request, module: module, directory: directory), exchange)
        } catch let error as APIError {
            return error.response
        } catch let error as SandboxError {
            return APIError(error).response
        } catch {
            return APIError(.internal, "unexpected failure").response
        }
    }

    private func outcome(_ result: Result<InvocationResult, InvocationFailure>, _ exchange: Exchange) -> HTTPResponse {
        switch result {
        case .success(let answer):
            exchange.outcome = "ok"
            ServiceMetrics.invocation(outcome: "ok", microseconds: answer.durationMicroseconds,
                                      fuelUsed: answer.fuelUsed, crossings: answer.crossings)
            return Self.json(200, InvokeAnswer.json(answer))
        case .failure(let failure):
            let label = ServiceMetrics.outcome(of: failure.error)
            exchange.outcome = label
            ServiceMetrics.invocation(outcome: label, microseconds: failure.durationMicroseconds,
                                      fuelUsed: failure.fuelUsed, crossings: failure.crossings)
            if case .reentrancyLoop(let reason, _) = failure.error { ServiceMetrics.reentrancyLoop(reason: reason) }
            if case .trap(let detail, _) = failure.error { ServiceMetrics.trap(kind: TrapLabel.label(for: detail)) }
            var error = APIError(failure.error)
            error.extras.append(("fuel_used", .number(String(failure.fuelUsed))))
            error.extras.append(("duration_us", .number(String(failure.durationMicroseconds))))
            return error.response
        }
    }
}
