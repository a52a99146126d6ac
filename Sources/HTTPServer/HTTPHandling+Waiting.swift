import Dispatch
import Synchronization

extension HTTPHandling {
    /// The answer, waiting on the calling thread for a deferred one: how the CLI,
    /// the fuzzer and tests drive a handler without a socket.
    /// - Parameter seconds: the longest wait; `nil` waits as long as it takes.
    /// - Returns: `nil` when the wait timed out.
    public func response(waitingAtMost seconds: Double? = nil) -> HTTPResponse? {
        switch self {
        case .respond(let response):
            return response
        case .deferred(let work):
            let answer = Handoff<HTTPResponse>()
            work { answer.put($0) }
            return answer.take(waitingAtMost: seconds)
        }
    }
}

/// One value handed from the thread that makes it to the thread that waits for it.
public final class Handoff<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    public init() {}

    /// Stores the value and wakes the waiter; call once.
    public func put(_ newValue: Value) {
        value.withLock { $0 = newValue }
        ready.signal()
    }

    /// The value once it is there; `nil` after `seconds` (when given) or if none was put.
    public func take(waitingAtMost seconds: Double? = nil) -> Value? {
        if let seconds {
            guard ready.wait(timeout: .now() + seconds) == .success else { return nil }
        } else {
            ready.wait()
        }
        return value.withLock { $0 }
    }
}
