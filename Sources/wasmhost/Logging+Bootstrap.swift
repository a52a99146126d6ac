import Foundation
import Logging
import Service
import Synchronization

/// Log output: one line per event on stderr, as text or JSON lines.
enum LogSetup {
    static func bootstrap(format: String, level: String) {
        // The text handler stamps each line with localtime(), and glibc re-reads
        // /etc/localtime (a stat per log line) unless TZ is set. Naming the same
        // default zone through TZ keeps the local time and reads the file once.
        if getenv("TZ") == nil { setenv("TZ", ":/etc/localtime", 0) }
        LogLevelControl.level = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            let handler: any LogHandler = format == "json"
                ? JSONLineLogHandler(label: label)
                : StreamLogHandler.standardError(label: label)
            return ReloadableLevelLogHandler(inner: handler)
        }
    }
}

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

/// Writes each log event as one JSON object per line on stderr: `ts` (UTC,
/// RFC 3339 with milliseconds), `level`, `logger`, `message`, then the metadata
/// in key order. Built with the service's JSON writer, since it runs once per
/// request.
struct JSONLineLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var members: [(String, JSONValue)] = [
            ("ts", .string(Self.timestamp())), ("level", .string(event.level.rawValue)),
            ("logger", .string(label)), ("message", .string("\(event.message)")),
        ]
        let merged = metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 })
        for key in merged.keys.sorted() {
            if let value = merged[key] { members.append((key, .string("\(value)"))) }
        }
        var line = JSONWriter.encode(.object(members))
        line.append(0x0A)
        FileHandle.standardError.write(Data(line))
    }

    /// Now in UTC, e.g. `2026-11-25T21:04:05.123Z`.
    static func timestamp() -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(Date())
    }
}
