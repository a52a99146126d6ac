import Foundation
import Synchronization

/// Counters the cache keeps for metrics.
public struct ModuleCacheStatistics: Sendable, Equatable {
    public var hits = 0
    public var misses = 0
    public var bytes = 0
    public var entries = 0
}

/// Compiled modules in memory, least recently used evicted first, bounded by bytes.
///
/// A miss runs `load` once per id even when many requests miss at the same
/// time: the others wait for that one load and share its result.
public final class ModuleCache: Sendable {
    private final class Pending: @unchecked Sendable {
        // Safety: `result` is written once under `condition`'s lock and read under it.
        let condition = NSCondition()
        var result: Result<CompiledModule, SandboxError>?
    }

    private enum Slot {
        case ready(CompiledModule, lastUse: UInt64)
        case loading(Pending)
    }

    private struct State {
        var slots: [String: Slot] = [:]
        var tick: UInt64 = 0
        var statistics = ModuleCacheStatistics()

        /// The ready module `id`, counted as a hit and marked most recently used.
        mutating func hit(_ id: String) -> CompiledModule? {
            guard case .ready(let module, _) = slots[id] else { return nil }
            tick += 1
            slots[id] = .ready(module, lastUse: tick)
            statistics.hits += 1
            SandboxMetrics.cacheHits.increment()
            return module
        }
    }

    private let maxBytes: Int
    private let state = Mutex(State())

    /// Creates a cache holding at most `maxBytes` of compiled modules.
    public init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    /// The compiled module `id`, loading it with `load` on a miss.
    public func module(
        _ id: String, load: () throws(SandboxError) -> CompiledModule
    ) throws(SandboxError) -> CompiledModule {
        enum Step { case hit(CompiledModule), wait(Pending), load(Pending) }
        let step: Step = state.withLock { state in
            if let module = state.hit(id) { return .hit(module) }
            state.tick += 1
            if case .loading(let pending) = state.slots[id] {
                state.statistics.hits += 1
                SandboxMetrics.cacheHits.increment()
                return .wait(pending)
            }
            let pending = Pending()
            state.slots[id] = .loading(pending)
            state.statistics.misses += 1
            SandboxMetrics.cacheMisses.increment()
            return .load(pending)
        }
        switch step {
        case .hit(let module):
            return module
        case .wait(let pending):
            pending.condition.lock()
            while pending.result == nil { pending.condition.wait() }
            let result = pending.result
            pending.condition.unlock()
            guard let result else { throw .internal("cache load vanished") }
            return try result.get()
        case .load(let pending):
            let result: Result<CompiledModule, SandboxError>
            do { result = .success(try load()) } catch { result = .failure(error) }
            state.withLock { state in
                switch result {
                case .success(let module):
                    state.slots[id] = .ready(module, lastUse: state.tick)
                    state.statistics.entries += 1
                    evict(&state, keeping: id)
                case .failure:
                    state.slots[id] = nil
                }
            }
            pending.condition.lock()
            pending.result = result
            pending.condition.broadcast()
            pending.condition.unlock()
            return try result.get()
        }
    }

    /// The module `id` if it is cached and ready, without loading. Counted as a
    /// hit and marked recently used, like a hit of ``module(_:load:)``: the modules
    /// answered inline are the hottest and must not look idle to eviction.
    public func cached(_ id: String) -> CompiledModule? {
        state.withLock { $0.hit(id) }
    }

    /// Puts a module compiled elsewhere (at upload) into the cache.
    public func insert(_ module: CompiledModule) {
        state.withLock { state in
            state.tick += 1
            if case .ready(let old, _) = state.slots[module.id] {
                state.statistics.entries -= 1
            } else if case .loading = state.slots[module.id] {
                return
            }
            state.slots[module.id] = .ready(module, lastUse: state.tick)
            state.statistics.entries += 1
            evict(&state, keeping: module.id)
        }
    }

    /// Drops `id` (after a delete).
    public func remove(_ id: String) {
        state.withLock { state in
            if case .ready(let module, _) = state.slots[id] {
                state.slots[id] = nil
                state.statistics.entries -= 1
            }
        }
    }

    /// Hits, misses and the bytes held.
    public var statistics: ModuleCacheStatistics {
        state.withLock { state in
            var statistics = state.statistics
            statistics.bytes = Self.bytesHeld(state)
            return statistics
        }
    }

    /// What the cached modules hold now. Summed, not kept as a running total:
    /// a module's cost changes as its pool of idle instances fills and empties.
    private static func bytesHeld(_ state: State) -> Int {
        state.slots.values.reduce(0) { total, slot in
            if case .ready(let module, _) = slot { return total + module.costBytes }
            return total
        }
    }

    private func evict(_ state: inout State, keeping keep: String) {
        var held = Self.bytesHeld(state)
        while held > maxBytes {
            var oldest: (id: String, tick: UInt64, cost: Int)?
            for (id, slot) in state.slots where id != keep {
                if case .ready(let module, let lastUse) = slot, lastUse < (oldest?.tick ?? .max) {
                    oldest = (id, lastUse, module.costBytes)
                }
            }
            guard let oldest else { return }
            state.slots[oldest.id] = nil
            held -= oldest.cost
            state.statistics.entries -= 1
        }
    }
}
