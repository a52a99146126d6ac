import Foundation
import WASI
@_spi(Fuzzing) import WasmKit

/// Runs one invocation on WasmKit in a fresh store and instance. Call on a
/// worker thread with the configured stack: guest code and every crossing run on it.
struct WasmKitInvoker: Sendable {
    let configuration: SandboxConfiguration
    let engine: Engine

    /// Creates an invoker with its own metered engine.
    init(configuration: SandboxConfiguration) {
        self.configuration = configuration
        self.engine = configuration.makeEngine()
    }

    /// Runs `request` against `module`. Nothing survives the call: the instance
    /// is fresh, or a recycled one reset to its post-instantiation state.
    func run(
        _ request: InvocationRequest, module: CompiledModule, directory: any ModuleDirectory
    ) -> Result<InvocationResult, InvocationFailure> {
        let started = request.receivedAt
        let limits = request.limits
        let recycled = module.pool?.take()
        let store = recycled?.store ?? Store(engine: engine)
        store.resourceLimiter = GrowthLimiter(limits: limits)
        // The budget is set before instantiating: a start function runs there.
        store.fuel = Fuel(remaining: limits.fuel)
        let ticket = Watchdog.shared.watch(store, deadline: request.receivedAt + UInt64(limits.timeoutMilliseconds) * 1_000_000)
        let context = InvocationContext(
            store: store, ticket: ticket, directory: directory, request: request,
            nativeStackReserve: configuration.nativeStackReserveBytes)

        var pooled = recycled
        let outcome: Result<[Value], SandboxError> = execute(request, module: module, context: context, pooled: &pooled)
        Watchdog.shared.release(ticket)
        context.close()

        let stoppedByDeadline = ticket.fired.load(ordering: .relaxed)
        // Every per-invocation figure is read before the instances go back to their
        // pools: once given back, another invocation may take the store and its fuel.
        let remaining = stoppedByDeadline
            ? ticket.remainingAtDeadline.load(ordering: .relaxed) : (store.fuel?.remaining ?? 0)
        let fuelUsed = limits.fuel >= remaining ? limits.fuel - remaining : limits.fuel
        let micros = Int((Watchdog.now() - started) / 1000)
        // An exit leaves its instances mid-run: they are dropped, not recycled.
        let clean = !stoppedByDeadline && !context.exited && (try? outcome.get()) != nil
        if let pool = module.pool, let pooled {
            pool.giveBack(pooled, clean: clean)
        }
        for (pool, target) in context.borrowed {
            pool.giveBack(target, clean: clean)
        }
        switch outcome {
        case .success(let values):
            return .success(result(values.map(ValueBridge.fromWasmKit), context: context, module: module,
                                   fuelUsed: fuelUsed, micros: micros))
        case .failure(var error):
            if stoppedByDeadline, case .fuelExhausted = error {
                error = .timeout(milliseconds: limits.timeoutMilliseconds)
            }
            var partial = result([], context: context, module: module, fuelUsed: fuelUsed, micros: micros)
            partial.exitCode = nil
            return .failure(InvocationFailure(error: error, partial: partial))
        }
    }

    private func execute(
        _ request: InvocationRequest, module: CompiledModule, context: InvocationContext, pooled: inout PooledInstance?
    ) -> Result<[Value], SandboxError> {
        do {
            let instance = try context.instance(of: module, in: context.store, pooled: &pooled)
            context.root = (module.id, TargetInstance(instance: instance, store: context.store))
            guard let function = instance.exports[function: request.export] else {
                // The call was checked against this module's description, which the instance matches.
                return .failure(.internal("export '\(request.export)' is in the description but not in the instance"))
            }
            let frame = Frame(moduleID: module.id, export: request.export, arguments: request.arguments)
            return .success(try context.enter(function, frame: frame))
        } catch let exit as WASIExitCode {
            // proc_exit, in the root or in any module it reached through host.invoke:
            // a normal end of the whole invocation, with its code and all output.
            context.exitCode = Int32(bitPattern: exit.code)
            context.exited = true
            return .success([])
        } catch {
            return .failure(Self.map(error, limits: request.limits))
        }
    }

    /// Maps whatever a guest run threw to the Sandbox's error.
    static func map(_ error: any Error, limits: Limits) -> SandboxError {
        switch error {
        case is DeadlinePassed:
            return .timeout(milliseconds: limits.timeoutMilliseconds)
        case let trip as ReentrancyTrip:
            return .reentrancyLoop(reason: trip.reason, chain: trip.chain)
        case let trap as HostTrap:
            return .trap(detail: trap.message, backtrace: [])
        case let sandbox as SandboxError:
            return sandbox
        case let trap as Trap:
            let (kind, backtrace) = TrapClassifier.classify(trap.description)
            switch kind {
            case .outOfFuel: return .fuelExhausted(limit: limits.fuel)
            case .callStackExhausted: return .trap(detail: SandboxError.callStackExhausted, backtrace: backtrace)
            case .initialSizeOverLimit(let message): return .limitExceeded(message)
            case .other(let message): return .trap(detail: message, backtrace: backtrace)
            }
        default:
            // Uncaught wasm exceptions and WasmKit errors raised while running.
            return .trap(detail: ModuleCompiler.clean("\(error)"), backtrace: [])
        }
    }

    private func result(
        _ values: [WasmValue], context: InvocationContext, module: CompiledModule, fuelUsed: UInt64, micros: Int
    ) -> InvocationResult {
        let streams = context.streams
        let usesWASI = module.usesWASI || context.usesWASI
        return InvocationResult(
            results: values,
            output: streams.output.used ? streams.output.bytes : nil,
            logs: streams.logsUsed ? streams.logs : nil,
            stdout: usesWASI ? streams.stdout.bytes : nil,
            stderr: usesWASI ? streams.stderr.bytes : nil,
            exitCode: usesWASI ? context.exitCode : nil,
            truncated: streams.truncatedStreams,
            fuelUsed: fuelUsed, durationMicroseconds: micros, crossings: context.reentrancy.crossings)
    }
}
