import HTTPServer
import Sandbox

extension WasmhostService {
    /// Fuel an invocation may use on the HTTP event thread before it is moved to
    /// a worker (about 10–50 µs of guest time).
    static let inlineFuel: UInt64 = 10_000

    /// `POST /v1/modules/{ref}/invoke/{export}`.
    ///
    /// Short calls run where they are cheapest: a module that is cached, has an
    /// idle recycled instance and needs neither WASI nor other modules runs inline on the event thread
    /// under a small fuel budget, saving the suspend/resume hand-off. If that
    /// budget runs out (or the inline thread's smaller stack limits the chain),
    /// the invocation is run again from scratch on a worker: an invocation's
    /// effects are all contained in it, so the re-run is safe and exact.
    func invoke(ref: String, export: String, request: HTTPRequest, exchange: Exchange) throws(APIError) -> HTTPHandling {
        guard isReady.load(ordering: .relaxed) else { throw APIError(SandboxError.notReady) }
        let body = try InvokeBody(request.body)
        let record = try lookUp(ref)
        exchange.moduleID = record.id
        let limits = reloadable.withLock { $0.limits }.lowered(fuel: body.fuel, timeoutMilliseconds: body.timeoutMilliseconds)
        let receivedAt = InvocationRequest.now()
        // Arguments are converted once; a worker re-run reuses them.
        var prepared: (module: CompiledModule, request: InvocationRequest)?
        if let module = cache.cached(record.id), let pool = module.pool, !module.usesWASI, !module.callsOtherModules,
            pool.shouldTryInline()
        {
            let request = try prepare(module, export: export, body: body, limits: limits, receivedAt: receivedAt)
            var attempt = request
            attempt.limits.fuel = min(limits.fuel, Self.inlineFuel)
            let result = invoker.run(attempt, module: module, directory: directory)
            if !needsWorker(result, inlineFuel: attempt.limits.fuel, fullFuel: limits.fuel) {
                return .respond(finish(outcome(result, exchange), exchange))
            }
            pool.inlineAttemptFailed()
            prepared = (module, request)
        }
        return .deferred { [self, prepared] complete in
            let once = AnswerOnce(complete)
            // The answer is due at the deadline even if the worker is late (compiling, queued).
            // The timer gets its own copy of the exchange: the worker writes to the original.
            let late = exchange.copy()
            let timer = deadlines.schedule(at: receivedAt &+ UInt64(limits.timeoutMilliseconds) &* 1_000_000) { [self] in
                once.answer { self.finish(self.lateTimeout(limits: limits, receivedAt: receivedAt, exchange: late), late) }
            }
            let accepted = workers.submit {
                // Already answered while queued: the client is gone, skip the work.
                guard !once.isAnswered else { return }
                let response = self.run(
                    record.id, prepared: prepared, export: export, body: body, limits: limits,
                    receivedAt: receivedAt, exchange: exchange)
                self.deadlines.cancel(timer)
                once.answer { self.finish(response, exchange) }
            }
            if !accepted {
                deadlines.cancel(timer)
                once.answer {
                    exchange.outcome = "overloaded"
                    ServiceMetrics.invocation(outcome: "overloaded", microseconds: 0, fuelUsed: 0, crossings: 0)
                    return finish(APIError(SandboxError.overloaded).response, exchange)
                }
            }
        }
    }

    /// The `504` the deadline timer sends for an invocation whose worker has not
    /// answered: still compiling, or still queued.
    private func lateTimeout(limits: Limits, receivedAt: UInt64, exchange: Exchange) -> HTTPResponse {
        exchange.outcome = "timeout"
        let micros = Int((InvocationRequest.now() &- receivedAt) / 1000)
        ServiceMetrics.invocation(outcome: "timeout", microseconds: micros, fuelUsed: 0, crossings: 0)
        var error = APIError(SandboxError.timeout(milliseconds: limits.timeoutMilliseconds))
        error.extras.append(("duration_us", .number(String(micros))))
        return error.response
    }

    /// True when an inline attempt must be re-run on a worker.
    private func needsWorker(_ result: Result<InvocationResult, InvocationFailure>, inlineFuel: UInt64, fullFuel: UInt64) -> Bool {
        guard case .failure(let failure) = result else { return false }
        switch failure.error {
        case .fuelExhausted: return fullFuel > inlineFuel
        case .reentrancyLoop(.depth, _): return true
        default: return failure.error.isCallStackExhausted
        }
    }

    /// The Sandbox request for a call: the export resolved and the arguments
    /// converted and checked, once.
    private func prepare(
        _ module: CompiledModule, export: String, body: InvokeBody, limits: Limits, receivedAt: UInt64
    ) throws(APIError) -> InvocationRequest {
        var wasi = body.wasi
        if wasi.args == nil { wasi.args = [export] }
        if let component = module.component {
            var arguments: [ComponentValue] = []
            // Without a callable function of that name the Sandbox names the error.
            if let function = component.function(named: export), function.notCallableReason == nil {
                arguments = try WITCodec.arguments(body.arguments, for: function, in: component)
            }
            return InvocationRequest(
                component: export, arguments: arguments, input: body.input, limits: limits, wasi: wasi, receivedAt: receivedAt)
        }
        if body.namedArgs != nil {
            throw APIError(.badRequest, "args must be an array for a core module's function (an object names the parameters of a component function)")
        }
        let call = try callable(module, export: export).call(with: body.args)
        return InvocationRequest(call, input: body.input, limits: limits, wasi: wasi, receivedAt: receivedAt)
    }

    /// The function export `export` of a core module as a call can name it.
    /// - Throws: `export_not_found` (naming the function exports) or `not_a_function`.
    func callable(_ module: CompiledModule, export: String) throws(APIError) -> any CallArguments {
        do throws(SandboxError) {
            return try CallTarget(export: export, in: module.description)
        } catch {
            throw APIError(error)
        }
    }

    /// Runs on a worker thread.
    private func run(
        _ id: String, prepared: (module: CompiledModule, request: InvocationRequest)?, export: String,
        body: InvokeBody, limits: Limits, receivedAt: UInt64, exchange: Exchange
    ) -> HTTPResponse {
        if let prepared {
            return outcome(invoker.run(prepared.request, module: prepared.module, directory: directory), exchange)
        }
        do throws(APIError) {
            return outcome(try execute(id, export: export, body: body, limits: limits, receivedAt: receivedAt), exchange)
        } catch {
            return problem(error, exchange)
        }
    }

    /// One invocation from a checked body to its typed outcome, on the calling thread.
    func execute(
        _ id: String, export: String, body: InvokeBody, limits: Limits, receivedAt: UInt64 = InvocationRequest.now()
    ) throws(APIError) -> Result<InvocationResult, InvocationFailure> {
        let module = try directory.compiledForRequest(id: id)
        let request = try prepare(module, export: export, body: body, limits: limits, receivedAt: receivedAt)
        return invoker.run(request, module: module, directory: directory)
    }

    func outcome(_ result: Result<InvocationResult, InvocationFailure>, _ exchange: Exchange) -> HTTPResponse {
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
            // What the guest wrote before it failed helps find why.
            error.extras += InvokeAnswer.streams(of: failure.partial)
            error.extras.append(("fuel_used", .number(String(failure.fuelUsed))))
            error.extras.append(("duration_us", .number(String(failure.durationMicroseconds))))
            return problem(error, exchange)
        }
    }
}
