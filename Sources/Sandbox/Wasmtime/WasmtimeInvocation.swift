#if WASMHOST_WASMTIME
import CWasmtime
import Foundation

/// An instance in one of an invocation's stores.
struct WasmtimeTarget {
    let context: OpaquePointer
    var instance: wasmtime_instance_t
    let module: CompiledModule
}

/// What a store's host functions find through `wasmtime_context_get_data`.
final class WasmtimeStoreData {
    /// `unowned(unsafe)`: the invocation deletes its stores before it ends.
    unowned(unsafe) let invocation: WasmtimeInvocation
    let module: CompiledModule

    init(invocation: WasmtimeInvocation, module: CompiledModule) {
        self.invocation = invocation
        self.module = module
    }
}

/// A failure raised inside the guest run that must reach the ``Invoker`` as it
/// is (Wasmtime only carries a trap message across guest frames).
struct WasmtimeFailure: Error {
    let error: SandboxError
}

/// A WASI `proc_exit` seen inside a host call; ends the invocation normally.
struct WasmtimeExit: Error {
    let code: Int32
}

/// The state of one invocation on Wasmtime: its stores (the root, and one per
/// module `host.invoke` calls), the reentrancy chain, captured output, and the
/// first failure a host function raised. Confined to the worker thread.
final class WasmtimeInvocation {
    let engine: WasmtimeEngine
    let directory: any ModuleDirectory
    let request: InvocationRequest
    let limits: Limits
    let deadline: UInt64
    let streams: CapturedStreams
    let stdout: OutputSink
    let stderr: OutputSink
    var reentrancy: ReentrancyGuard
    /// The instance of each module this invocation runs, by module id.
    var targets: [String: WasmtimeTarget] = [:]
    /// The instance of each component the invocation runs, by module id.
    var components: [String: WasmtimeComponentTarget] = [:]
    private var stores: [OpaquePointer] = []
    private var storeData: [WasmtimeStoreData] = []
    /// The first error a host function raised; it wins over the trap that carried it out.
    var pending: (any Error)?
    var exitCode: Int32 = 0
    /// True once any module of the invocation (the root or a `host.invoke`
    /// target) imports WASI: its streams and exit code then belong in the answer.
    var usesWASI = false

    init(engine: WasmtimeEngine, directory: any ModuleDirectory, request: InvocationRequest, stackReserve: Int) {
        self.engine = engine
        self.directory = directory
        self.request = request
        limits = request.limits
        deadline = request.receivedAt + UInt64(max(0, request.limits.timeoutMilliseconds)) * 1_000_000
        streams = CapturedStreams(cap: request.limits.maxOutputBytes)
        stdout = OutputSink(cap: request.limits.maxOutputBytes)
        stderr = OutputSink(cap: request.limits.maxOutputBytes)
        reentrancy = ReentrancyGuard(maxDepth: request.limits.maxReentrancyDepth, stack: NativeStack(reserve: stackReserve))
    }

    /// The deadline has passed; host functions refuse to go on.
    func timedOut() -> Bool { Watchdog.now() >= deadline }

    /// A new store for `module` with this invocation's limits, deadline and
    /// (for WASI modules) WASI context, and `fuel`; then the module instantiated in it.
    func instantiate(_ module: CompiledModule, code: WasmtimeModule, fuel: UInt64) throws(SandboxError) -> WasmtimeTarget {
        try ModuleCompiler.checkInitialSizes(module.info, limits: limits)
        guard code.engine === engine else { throw .internal("module compiled by another engine") }
        let context = try newStore(for: module, fuel: fuel, wasi: module.usesWASI)
        var instance = wasmtime_instance_t()
        var trap: OpaquePointer?
        let error = wasmtime_instance_pre_instantiate(code.pre, context, &instance, &trap)
        if let failure = failure(error: error, trap: trap) {
            if case .exited(let code) = failure { throw .internal("proc_exit(\(code)) during instantiation") }
            if case .failed(let error) = failure { throw error }
        }
        return WasmtimeTarget(context: context, instance: instance, module: module)
    }

    /// A new store of this invocation for `module`: the memory and table limiter,
    /// `fuel`, the epoch deadline and, when `wasi`, a WASI context on the
    /// invocation's streams. Deleted by ``close()``.
    func newStore(for module: CompiledModule, fuel: UInt64, wasi: Bool) throws(SandboxError) -> OpaquePointer {
        let data = WasmtimeStoreData(invocation: self, module: module)
        guard let store = wasmtime_store_new(engine.engine, Unmanaged.passUnretained(data).toOpaque(), nil),
            let context = wasmtime_store_context(store)
        else { throw .internal("wasmtime_store_new failed") }
        stores.append(store)
        storeData.append(data)
        wasmtime_store_limiter(store, Int64(limits.maxMemoryBytes), Int64(limits.maxTableElements), -1, -1, -1)
        // Fuel and the epoch deadline start at 0 in a new store: both are set before
        // instantiating, since a start function runs there.
        if let error = wasmtime_context_set_fuel(context, fuel) { throw .internal(WasmtimeError.take(error)) }
        wasmtime_context_set_epoch_deadline(context, EpochTicker.ticks(until: deadline, now: Watchdog.now()))
        if wasi {
            usesWASI = true
            guard let wasi = WasmtimeWASI.configuration(request.wasi, stdout: stdout, stderr: stderr) else {
                throw .internal("wasi_config_new failed")
            }
            if let error = wasmtime_context_set_wasi(context, wasi) { throw .internal(WasmtimeError.take(error)) }
        }
        return context
    }

    /// How a Wasmtime call ended when it did not return.
    enum Failure {
        case exited(Int32)
        case failed(SandboxError)
    }

    /// The outcome of a call or instantiation that gave `error` or `trap`
    /// (both freed here), or `nil` when neither is set.
    func failure(error: OpaquePointer?, trap: OpaquePointer?) -> Failure? {
        if error == nil && trap == nil { return nil }
        var exitStatus: Int32 = 0
        defer { if let error { wasmtime_error_delete(error) } }
        if let pending {
            if let trap { wasm_trap_delete(trap) }
            switch pending {
            case let exit as WasmtimeExit: return .exited(exit.code)
            default: return .failed(Self.map(pending, limits: limits))
            }
        }
        if let trap { return .failed(WasmtimeTraps.take(trap, limits: limits)) }
        guard let error else { return nil }
        if wasmtime_error_exit_status(error, &exitStatus) { return .exited(exitStatus) }
        return .failed(Self.nonTrapError(error))
    }

    /// Errors that are not traps: a WASI call refused by the host (a guest
    /// pointer outside its memory: the trap WasmKit reports for it too), or an
    /// instantiation that found the pooling allocator full (a transient
    /// overload) or a limit refusing an initial size.
    static func nonTrapError(_ error: OpaquePointer) -> SandboxError {
        let message = WasmtimeError.message(error)
        // The innermost cause is the last line of Wasmtime's "Caused by:" list.
        let cause = message.split(separator: "\n").last.map { String($0.drop { $0 == " " }) } ?? message
        if message.contains("out of bounds") {
            return .trap(detail: "out of bounds memory access", backtrace: WasmtimeTraps.backtrace(ofError: error))
        }
        if message.contains("concurrent") || message.contains("pooling") { return .overloaded }
        if message.contains("limit") || message.contains("exceeds") { return .limitExceeded(cause) }
        return .trap(detail: cause, backtrace: WasmtimeTraps.backtrace(ofError: error))
    }

    /// A host function's error as the Sandbox reports it.
    static func map(_ error: any Error, limits: Limits) -> SandboxError {
        switch error {
        case let failure as WasmtimeFailure: return failure.error
        case is DeadlinePassed: return .timeout(milliseconds: limits.timeoutMilliseconds)
        case let trip as ReentrancyTrip: return .reentrancyLoop(reason: trip.reason, chain: trip.chain)
        case let trap as HostTrap: return .trap(detail: trap.message, backtrace: [])
        case let sandbox as SandboxError: return sandbox
        default: return .internal("unexpected host error")
        }
    }

    /// Fuel left in `context`.
    static func fuel(of context: OpaquePointer) -> UInt64 {
        var remaining: UInt64 = 0
        if let error = wasmtime_context_get_fuel(context, &remaining) { _ = WasmtimeError.take(error) }
        return remaining
    }

    static func setFuel(_ fuel: UInt64, of context: OpaquePointer) {
        if let error = wasmtime_context_set_fuel(context, fuel) { _ = WasmtimeError.take(error) }
    }

    /// Deletes every store (returning their slots to the pool); call once, last.
    func close() {
        for store in stores { wasmtime_store_delete(store) }
        stores = []
        storeData = []
        targets = [:]
        components = [:]
    }
}
#endif
