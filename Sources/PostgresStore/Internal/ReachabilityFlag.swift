import Synchronization

/// Whether the registry answered last time anyone asked: set by the pool on
/// every connect or broken connection, and by the listener on every ping.
final class ReachabilityFlag: Sendable {
    private let value = Atomic<Bool>(true)

    var isReachable: Bool { value.load(ordering: .relaxed) }

    func set(_ reachable: Bool) { value.store(reachable, ordering: .relaxed) }
}
