import Foundation
import Testing
import TestSupport
@testable import Sandbox

/// The compiled-module cache: LRU by bytes, one load per id however many miss at once.
@Suite(.timeLimit(.minutes(3)))
struct ModuleCacheTests {
    /// Three distinct small modules of the same size (costBytes = size * 3 + 16 KiB).
    static let modules: [CompiledModule] = ["a", "b", "c", "d"].compactMap {
        try? Fixtures.compile("(module (func (export \"\($0)\")))")
    }

    static func budget(forModules count: Int) -> Int { count * modules[0].costBytes }

    @Test func theFixtureModulesAreDistinctAndSameSized() {
        #expect(Self.modules.count == 4)
        #expect(Set(Self.modules.map(\.id)).count == 4)
        #expect(Set(Self.modules.map(\.costBytes)).count == 1)
    }

    @Test func aMissLoadsAndAHitDoesNot() throws {
        let cache = ModuleCache(maxBytes: Self.budget(forModules: 4))
        let loads = Tally()
        let module = Self.modules[0]
        for _ in 0..<3 {
            let got = try cache.module(module.id) { () throws(SandboxError) -> CompiledModule in
                loads.add()
                return module
            }
            #expect(got.id == module.id)
        }
        #expect(loads.value == 1)
        #expect(cache.statistics == ModuleCacheStatistics(hits: 2, misses: 1, bytes: module.costBytes, entries: 1))
    }

    @Test func theLeastRecentlyUsedModuleIsEvictedWhenBytesRunOut() throws {
        let cache = ModuleCache(maxBytes: Self.budget(forModules: 2))
        let (a, b, c) = (Self.modules[0], Self.modules[1], Self.modules[2])
        cache.insert(a)
        cache.insert(b)
        _ = try cache.module(a.id) { () throws(SandboxError) -> CompiledModule in a }  // a is now newer than b
        cache.insert(c)
        #expect(cache.statistics.entries == 2)
        #expect(cache.statistics.bytes == Self.budget(forModules: 2))
        let reloaded = Tally()
        func load(_ module: CompiledModule) throws -> CompiledModule {
            try cache.module(module.id) { () throws(SandboxError) -> CompiledModule in
                reloaded.add()
                return module
            }
        }
        _ = try load(a)
        _ = try load(c)
        #expect(reloaded.value == 0, "a and c stayed")
        _ = try load(b)
        #expect(reloaded.value == 1, "b was evicted")
    }

    @Test func aModuleLargerThanTheBudgetIsStillServed() throws {
        let cache = ModuleCache(maxBytes: 1)
        let module = Self.modules[0]
        let got = try cache.module(module.id) { () throws(SandboxError) -> CompiledModule in module }
        #expect(got.id == module.id)
        #expect(cache.statistics.entries == 1)
        cache.insert(Self.modules[1])
        #expect(cache.statistics.entries == 1, "the older one made room")
    }

    @Test func reinsertingAndRemovingKeepTheBookkeepingRight() {
        let cache = ModuleCache(maxBytes: Self.budget(forModules: 4))
        cache.insert(Self.modules[0])
        cache.insert(Self.modules[0])
        #expect(cache.statistics.entries == 1)
        #expect(cache.statistics.bytes == Self.modules[0].costBytes)
        cache.remove(Self.modules[0].id)
        cache.remove(Self.modules[0].id)
        cache.remove("unknown")
        #expect(cache.statistics.entries == 0)
        #expect(cache.statistics.bytes == 0)
    }

    @Test func concurrentMissesForOneIDCallLoadOnce() throws {
        let cache = ModuleCache(maxBytes: Self.budget(forModules: 4))
        let module = Self.modules[0]
        let loads = Tally()
        let served = Tally()
        let start = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        for _ in 0..<16 {
            let thread = Thread {
                start.wait()
                let got = try? cache.module(module.id) { () throws(SandboxError) -> CompiledModule in
                    loads.add()
                    Thread.sleep(forTimeInterval: 0.05)
                    return module
                }
                if got?.id == module.id { served.add() }
                group.leave()
            }
            group.enter()
            thread.start()
        }
        for _ in 0..<16 { start.signal() }
        #expect(group.wait(timeout: .now() + 10) == .success)
        #expect(loads.value == 1)
        #expect(served.value == 16)
        #expect(cache.statistics.misses == 1)
        #expect(cache.statistics.hits == 15)
    }

    @Test(.timeLimit(.minutes(1)))
    func aFailedLoadReachesEveryWaiterAndIsNotCached() throws {
        let cache = ModuleCache(maxBytes: Self.budget(forModules: 4))
        let loads = Tally()
        let failures = Tally()
        let group = DispatchGroup()
        for _ in 0..<8 {
            group.enter()
            Thread {
                do {
                    _ = try cache.module("broken") { () throws(SandboxError) -> CompiledModule in
                        loads.add()
                        // Fails only once the seven other callers wait for this very load.
                        _ = Poll.until(seconds: 10) { cache.statistics.hits == 7 }
                        throw .moduleNotFound("broken")
                    }
                } catch let error as SandboxError {
                    if error == .moduleNotFound("broken") { failures.add() }
                } catch {
                    Issue.record("unexpected \(error)")
                }
                group.leave()
            }.start()
        }
        #expect(group.wait(timeout: .now() + 20) == .success)
        #expect(failures.value == 8)
        #expect(loads.value == 1, "the failed load was shared, not repeated per caller")
        #expect(cache.statistics.entries == 0)
        let module = Self.modules[0]
        let later = try cache.module("broken") { () throws(SandboxError) -> CompiledModule in module }
        #expect(later.id == module.id)
    }
}
