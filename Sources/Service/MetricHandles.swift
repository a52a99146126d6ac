import Synchronization

/// Metric objects made once per label set and reused.
///
/// Making a `Counter` or `Timer` through swift-metrics asks the factory for it
/// every time, and Prometheus's factory validates the name and labels and looks
/// the series up under its registry's lock: several times what the increment
/// itself costs, on every request. A handle is made on first use of its label
/// set (after the executable has bootstrapped the metrics system) and kept.
/// Label sets are bounded (route templates, methods, statuses, outcomes), so
/// the table is too.
final class MetricHandles<Key: Hashable & Sendable, Metric: Sendable>: Sendable {
    private let handles = Mutex<[Key: Metric]>([:])
    private let make: @Sendable (Key) -> Metric

    init(_ make: @escaping @Sendable (Key) -> Metric) {
        self.make = make
    }

    /// The metric of `key`'s label set.
    subscript(_ key: Key) -> Metric {
        handles.withLock { table in
            if let existing = table[key] { return existing }
            let created = make(key)
            table[key] = created
            return created
        }
    }
}
