import Foundation
import Glibc

/// Threads that run guests, with an explicit native stack size, and the
/// admission queue in front of them.
///
/// Guests never run on Swift concurrency's cooperative pool or on an HTTP event
/// thread. At most `workers` jobs run at once; up to `maxQueue` wait; beyond
/// that ``submit(_:)`` refuses, and the caller answers `503 overloaded`.
public final class WorkerPool: @unchecked Sendable {
    // Safety: `queue`, `running` and `stopping` are guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [@Sendable () -> Void] = []
    private var queueHead = 0
    private var running = 0
    private var stopping = false
    private let maxQueue: Int
    /// Number of worker threads.
    public let workers: Int

    /// Starts `workers` threads of `stackBytes` native stack each.
    public init(workers: Int, stackBytes: Int, maxQueue: Int) {
        self.workers = max(1, workers)
        self.maxQueue = max(0, maxQueue)
        for index in 0..<self.workers {
            // The thread keeps the pool alive until `shutdown()`: a pool is meant to
            // live as long as the process, and its threads must never outlive it.
            let thread = Thread { self.loop() }
            thread.stackSize = stackBytes
            thread.name = "wasmhost-worker-\(index)"
            thread.start()
        }
    }

    /// Queues `job`; returns false when the queue is full.
    public func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return false }
        // Jobs admitted and not finished: running, or queued but not yet picked up.
        let inFlight = running + queue.count - queueHead
        guard inFlight < workers + maxQueue else { return false }
        queue.append(job)
        condition.signal()
        return true
    }

    /// Lets the threads finish the queued jobs and exit; later submits are refused.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    /// Jobs running and jobs waiting, for metrics.
    public var load: (running: Int, queued: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (running, queue.count - queueHead)
    }

    private func loop() {
        while true {
            condition.lock()
            while queueHead == queue.count && !stopping { condition.wait() }
            if queueHead == queue.count {
                condition.unlock()
                return
            }
            let job = queue[queueHead]
            queueHead += 1
            if queueHead > 64 && queueHead * 2 > queue.count {
                queue.removeFirst(queueHead)
                queueHead = 0
            }
            running += 1
            condition.unlock()
            job()
            condition.lock()
            running -= 1
            condition.unlock()
        }
    }
}
