import Foundation
import Logging

/// Log output: one line per event on stderr, as text or JSON lines.
enum LogSetup {
    static func bootstrap(format: String, level: String) {
        // The text handler stamps each line with localtime(), and glibc re-reads
        // /etc/localtime (a stat per log line) unless TZ is set. Naming the same
        // default zone through TZ keeps the local time and reads the file once.
        if getenv("TZ") == nil { setenv("TZ", ":/etc/localtime", 0) }
        let parsed = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = format == "json"
                ? JSONLineLogHandler(label: label)
                : StreamLogHandler.standardError(label: label)
            handler.logLevel = parsed
            return handler
        }
    }
}

/// Writes each log event as one JSON object per line on stderr.
struct JSONLineLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: [String: String] = [
            "ts": ISO8601DateFormatter().string(from: Date()), "level": event.level.rawValue,
            "logger": label, "message": "\(event.message)",
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            object[key] = "\(value)"
        }
        guard var line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        line.append(0x0A)
        FileHandle.standardError.write(line)
    }
}
