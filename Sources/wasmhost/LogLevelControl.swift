import Logging
import Synchronization

/// The process-wide log level, which SIGHUP may change while running.
enum LogLevelControl {
    private static let levels = Logger.Level.allCases
    private static let current = Atomic<Int>(2)

    static var level: Logger.Level {
        get { levels[current.load(ordering: .relaxed)] }
        set { current.store(levels.firstIndex(of: newValue) ?? 2, ordering: .relaxed) }
    }
}

/// A handler whose level is ``LogLevelControl/level``, read at every log call.
struct ReloadableLevelLogHandler: LogHandler {
    var inner: any LogHandler

    var logLevel: Logger.Level {
        get { LogLevelControl.level }
        set {}
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) { inner.log(event: event) }
}
