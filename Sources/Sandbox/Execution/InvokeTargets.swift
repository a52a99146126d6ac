@_spi(Fuzzing) import WasmKit

/// An instance `host.invoke` calls, and the store it lives in.
struct TargetInstance {
    let instance: Instance
    let store: Store
}

extension InvocationContext {
    /// The instance of `module` that `host.invoke` calls in this invocation: one
    /// per module per invocation, created on first use.
    ///
    /// Each target lives in a store of its own, so that it can come from (and go
    /// back to) its module's instance pool exactly like an invoked module, and a
    /// recycled caller's store never accumulates instances. The store gets this
    /// invocation's memory limits and deadline; fuel moves with the call chain
    /// (see ``sharingFuel(of:with:_:)``), so the invocation keeps one budget.
    func target(for module: CompiledModule, caller: Store) throws -> TargetInstance {
        if let root, root.moduleID == module.id { return root.target }
        if let existing = instances[module.id] { return existing }
        var pooled = module.pool?.take()
        defer {
            // A pooled target, taken or new, goes back (or is discarded) when the
            // Invoker ends the invocation, whatever happens from here.
            if let pool = module.pool, let pooled { borrowed.append((pool, pooled)) }
        }
        let store = pooled?.store ?? Store(engine: caller.engine)
        store.resourceLimiter = GrowthLimiter(limits: limits)
        let instance = try Self.sharingFuel(of: caller, with: store) {
            // The start function runs here, on the invocation's fuel and deadline.
            Watchdog.shared.attach(store, to: ticket)
            return try self.instance(of: module, in: store, pooled: &pooled)
        }
        let target = TargetInstance(instance: instance, store: store)
        instances[module.id] = target
        return target
    }

    /// Runs `body` in `callee`'s store on the fuel `caller` has left, then hands
    /// what is left back to `caller`, whether `body` returns or throws.
    static func sharingFuel<T>(of caller: Store, with callee: Store, _ body: () throws -> T) rethrows -> T {
        guard caller !== callee else { return try body() }
        callee.fuel = caller.fuel
        defer { caller.fuel = callee.fuel }
        return try body()
    }
}
