import Foundation
import Testing
import TestSupport
@testable import Sandbox

/// Admission: `workers` running plus `maxQueue` waiting, then `submit` refuses.
@Suite(.timeLimit(.minutes(3)))
struct WorkerPoolTests {
    /// Waits until `condition` holds, polling, for at most `seconds`.
    static func eventually(_ seconds: Double = 5, _ condition: () -> Bool) -> Bool {
        Poll.until(seconds: seconds, condition)
    }

    @Test(arguments: [(1, 0), (2, 3), (3, 1)])
    func admitsWorkersPlusQueueThenRefuses(workers: Int, maxQueue: Int) {
        let pool = KeepAlive.keep(WorkerPool(workers: workers, stackBytes: 1 << 20, maxQueue: maxQueue))
        let release = DispatchSemaphore(value: 0)
        let finished = Tally()
        let capacity = workers + maxQueue
        for _ in 0..<capacity {
            #expect(pool.submit { release.wait(); finished.add() })
        }
        #expect(Self.eventually { pool.load.running == workers })
        #expect(pool.load.queued == maxQueue)
        #expect(!pool.submit { finished.add() })
        #expect(!pool.submit { finished.add() })
        for _ in 0..<capacity { release.signal() }
        #expect(Self.eventually { finished.value == capacity })
        #expect(Self.eventually { pool.load.running == 0 && pool.load.queued == 0 })
        #expect(pool.submit { finished.add() })
        #expect(Self.eventually { finished.value == capacity + 1 })
    }

    @Test func jobsRunOnThreadsWithTheConfiguredStack() {
        let pool = KeepAlive.keep(WorkerPool(workers: 1, stackBytes: 16 << 20, maxQueue: 1))
        let remaining = Tally()
        let done = DispatchSemaphore(value: 0)
        #expect(pool.submit {
            let stack = NativeStack(reserve: 0)
            if stack.remaining() > 15 << 20 && stack.remaining() < 17 << 20 { remaining.add() }
            done.signal()
        })
        done.wait()
        #expect(remaining.value == 1)
    }

    @Test func manyJobsAllRunExactlyOnce() {
        let pool = KeepAlive.keep(WorkerPool(workers: 3, stackBytes: 512 << 10, maxQueue: 1_000))
        let ran = Tally()
        var admitted = 0
        for _ in 0..<500 {
            if pool.submit({ ran.add() }) { admitted += 1 }
        }
        #expect(admitted == 500)
        #expect(Self.eventually { ran.value == 500 })
    }

    @Test func atLeastOneWorkerAndNoNegativeQueue() {
        let pool = KeepAlive.keep(WorkerPool(workers: 0, stackBytes: 512 << 10, maxQueue: -3))
        #expect(pool.workers == 1)
        let release = DispatchSemaphore(value: 0)
        #expect(pool.submit { release.wait() })
        #expect(!pool.submit {})
        release.signal()
    }

    /// Dropping a pool must not crash the process (each `WasmhostService` owns two):
    /// its threads keep it alive until `shutdown()`, after which they exit.
    @Test
    func aReleasedPoolDoesNotCrashTheProcess() {
        for _ in 0..<20 {
            let pool = WorkerPool(workers: 2, stackBytes: 1 << 20, maxQueue: 1)
            pool.shutdown()
            #expect(!pool.submit {})
        }
        Thread.sleep(forTimeInterval: 0.3)
    }
}
