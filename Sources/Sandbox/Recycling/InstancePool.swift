import Synchronization
@_spi(Fuzzing) import WasmKit

/// Counters of a pool, for metrics and tests.
public struct InstancePoolStatistics: Sendable, Equatable {
    public var hits = 0
    public var misses = 0
    public var discards = 0
    public var idle = 0
}

/// Idle instances of one module, each reset to its post-instantiation state.
///
/// WasmKit translates a function per instance on its first call, so a fresh
/// instance per request re-translates everything the request touches; a
/// recycled one keeps its translated code and costs a warm call plus the reset.
public final class InstancePool: @unchecked Sendable {
    // Safety: `idle` and `statistics` are guarded by `lock`; a PooledInstance is
    // only ever used by the one invocation that took it.
    private struct State {
        var idle: [PooledInstance] = []
        var statistics = InstancePoolStatistics()
    }

    let rewritten: Module
    let maxIdle: Int
    private let lock = Mutex(State())
    /// Requests to skip before trying inline again, after an inline attempt of
    /// this module had to move to a worker (long calls would pay twice).
    private let inlineCooldown = Atomic<Int>(0)

    init(rewritten: Module, maxIdle: Int) {
        self.rewritten = rewritten
        self.maxIdle = maxIdle
    }

    /// An idle instance, or nil (a miss: the caller creates one).
    func take() -> PooledInstance? {
        let taken: PooledInstance? = lock.withLock { state in
            if let instance = state.idle.popLast() {
                state.statistics.hits += 1
                return instance
            }
            state.statistics.misses += 1
            return nil
        }
        (taken == nil ? SandboxMetrics.poolMisses : SandboxMetrics.poolHits).increment()
        return taken
    }

    /// Takes back an instance after a clean invocation: reset and keep it, or
    /// discard it when it cannot be restored or the pool is full.
    func giveBack(_ instance: PooledInstance, clean: Bool) {
        var keep = clean && !instance.memoryGrew
        if keep {
            do { try instance.reset() } catch { keep = false }
        }
        let kept = lock.withLock { state -> Bool in
            guard keep, state.idle.count < maxIdle else {
                state.statistics.discards += 1
                return false
            }
            state.idle.append(instance)
            return true
        }
        if !kept { SandboxMetrics.poolDiscards.increment() }
    }

    /// True when an idle instance is waiting and this module's calls have been short.
    public func shouldTryInline() -> Bool {
        if inlineCooldown.load(ordering: .relaxed) > 0 {
            inlineCooldown.subtract(1, ordering: .relaxed)
            return false
        }
        return lock.withLock { !$0.idle.isEmpty }
    }

    /// An inline attempt ran out of its budget: run this module's calls on workers for a while.
    public func inlineAttemptFailed() {
        inlineCooldown.store(1000, ordering: .relaxed)
    }

    /// Drops every idle instance (memory pressure, or the module is evicted).
    public func drain() {
        lock.withLock { $0.idle.removeAll() }
    }

    /// Hits, misses, discards and idle count.
    public var statistics: InstancePoolStatistics {
        lock.withLock { state in
            var statistics = state.statistics
            statistics.idle = state.idle.count
            return statistics
        }
    }
}
