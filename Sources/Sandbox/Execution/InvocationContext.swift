import WasmKit
import WasmKitWASI

/// The state of one running invocation: its store, the chain of guest entries,
/// captured output, and the instances `host.invoke` calls (see ``target(for:caller:)``).
///
/// Confined to the worker thread that runs the invocation. Host functions reach
/// it through a ``HostBinding``, which the store owns and which refers back to
/// this context `unowned`, so there is no cycle.
final class InvocationContext {
    let store: Store
    let directory: any ModuleDirectory
    let input: [UInt8]
    let streams: CapturedStreams
    let limits: Limits
    let wasi: WASIOptions
    var reentrancy: ReentrancyGuard
    /// The deadline's watch over this invocation's stores.
    let ticket: Watchdog.Ticket
    /// The invoked module's id and instance, which `host.invoke` reuses too.
    var root: (moduleID: String, target: TargetInstance)?
    /// One instance per other module for `host.invoke`, created on first use.
    var instances: [String: TargetInstance] = [:]
    /// Recycled instances `host.invoke` took from pools, given back by the ``Invoker``.
    var borrowed: [(pool: InstancePool, instance: PooledInstance)] = []
    /// Bindings of the instances this invocation uses; cleared by ``close()``.
    var bindings: [HostBinding] = []
    /// WASI bridges opened by this invocation; closed by ``close()``.
    var bridges: [WASIBridgeToHost] = []
    /// Exit code of a WASI program (0 when `_start` returns).
    var exitCode: Int32 = 0
    /// True once `proc_exit` ended the invocation, in any module of the chain.
    var exited = false
    /// True when any instance of this invocation imports WASI, the root or a
    /// `host.invoke` target: the answer then carries `stdout`, `stderr` and `exit_code`.
    var usesWASI = false

    init(
        store: Store, ticket: Watchdog.Ticket, directory: any ModuleDirectory, request: InvocationRequest,
        nativeStackReserve: Int
    ) {
        self.store = store
        self.ticket = ticket
        self.directory = directory
        self.input = request.input
        self.limits = request.limits
        self.wasi = request.wasi
        self.streams = CapturedStreams(cap: request.limits.maxOutputBytes)
        self.reentrancy = ReentrancyGuard(
            maxDepth: request.limits.maxReentrancyDepth, stack: NativeStack(reserve: nativeStackReserve))
    }

    /// Binds `binding` (and so an instance's imports) to this invocation.
    func bind(_ binding: HostBinding, module: CompiledModule) throws {
        binding.context = self
        bindings.append(binding)
        if module.usesWASI {
            usesWASI = true
            try WASISupport.bind(binding, context: self)
        }
    }

    /// Unbinds every instance and closes every WASI bridge; safe to call twice.
    func close() {
        for binding in bindings {
            binding.context = nil
            binding.wasi = [:]
        }
        bindings = []
        for bridge in bridges { try? bridge.close() }
        bridges = []
    }

    /// The deadline has passed; host functions refuse to go on.
    func timedOut() -> Bool { ticket.fired.load(ordering: .relaxed) }

    /// An instance of `module` in `store` with its imports bound to this invocation:
    /// `pooled` re-bound, or, for a recyclable module, a new pooled instance (stored
    /// in `pooled`), or a plain fresh instance.
    func instance(of module: CompiledModule, in store: Store, pooled: inout PooledInstance?) throws -> Instance {
        try ModuleCompiler.checkInitialSizes(module.info, limits: limits)
        guard let pool = module.pool else {
            guard case .wasmKit(let parsed) = module.code else { throw HostTrap("module built for another engine") }
            let binding = HostBinding()
            try bind(binding, module: module)
            return try parsed.instantiate(store: store, imports: binding.imports(for: module, store: store))
        }
        if let existing = pooled {
            try bind(existing.binding, module: module)
            return existing.instance
        }
        let created = try PooledInstance(module: module, rewritten: pool.rewritten, store: store, context: self)
        pooled = created
        return created.instance
    }

    /// Calls `function` as a new frame on the chain.
    func enter(_ function: Function, frame: Frame) throws -> [Value] {
        try reentrancy.enter(frame) { [directory] id in directory.label(for: id) }
        defer { reentrancy.exit() }
        return try function.invoke(frame.arguments.map(ValueBridge.toWasmKit))
    }

    /// The `host` functions (see API.md, "Host imports").
    func host(_ name: String, moduleID: String, caller: borrowing Caller, arguments: [Value]) throws -> [Value] {
        switch name {
        case "log":
            try CallerMemory(caller).read(arguments[0], arguments[1]) { streams.log($0) }
            return []
        case "output_write":
            try CallerMemory(caller).read(arguments[0], arguments[1]) { streams.output.append($0, cap: streams.cap) }
            return []
        case "input_size":
            return [.i32(UInt32(truncatingIfNeeded: input.count))]
        case "input_read":
            let count = try CallerMemory(caller).write(input, at: arguments[0], limit: arguments[1])
            return [.i32(UInt32(count))]
        case "call":
            guard let instance = caller.instance else { throw HostTrap("host.call: no calling instance") }
            let export = try CallerMemory(caller).string(arguments[0], arguments[1])
            return try callExport(export, of: instance, moduleID: moduleID, argument: arguments[2], via: "host.call")
        case "invoke":
            let memory = CallerMemory(caller)
            let ref = try memory.string(arguments[0], arguments[1])
            let export = try memory.string(arguments[2], arguments[3])
            if timedOut() { throw DeadlinePassed() }
            // A module deleted between the lookup of its name and the read of its
            // bytes is missing too: a trap, like any failure inside a host call.
            let found: CompiledModule?
            do { found = try directory.compiledModule(for: ref) } catch .moduleNotFound { found = nil }
            guard let module = found else { throw HostTrap("host.invoke: no module '\(ref)'") }
            let target = try target(for: module, caller: caller.store)
            return try Self.sharingFuel(of: caller.store, with: target.store) {
                try callExport(export, of: target.instance, moduleID: module.id, argument: arguments[4], via: "host.invoke")
            }
        default:
            throw HostTrap("host.\(name) is not provided")
        }
    }

    private func callExport(
        _ export: String, of instance: Instance, moduleID: String, argument: Value, via entry: String
    ) throws -> [Value] {
        if timedOut() { throw DeadlinePassed() }
        guard !export.hasPrefix(ModuleRewriter.reservedPrefix), let function = instance.exports[function: export] else {
            throw HostTrap("\(entry): module \(directory.label(for: moduleID)) has no function export '\(export)'")
        }
        let expected = FunctionType(parameters: [.i64], results: [.i64])
        guard function.type == expected else {
            throw HostTrap("\(entry): export '\(export)' is not (i64) -> i64")
        }
        guard case .i64(let bits) = argument else { throw HostTrap("\(entry): argument is not i64") }
        return try enter(function, frame: Frame(moduleID: moduleID, export: export, arguments: [.i64(bits)]))
    }
}
