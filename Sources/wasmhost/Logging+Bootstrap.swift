import Foundation
import Logging
import Service

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

/// Writes each log event as one JSON object per line on stderr: `ts` (UTC,
/// RFC 3339 with milliseconds), `level`, `logger`, `message`, then the metadata
/// in key order. Built with the service's JSON writer and written with one
/// `write(2)`, since it runs once per request.
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
        line.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(2, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    /// Now in UTC, e.g. `2026-11-25T21:04:05.123Z`.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var fields = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &fields)
        func padded(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return padded(fields.tm_year + 1900, 4) + "-" + padded(fields.tm_mon + 1, 2) + "-" + padded(fields.tm_mday, 2)
            + "T" + padded(fields.tm_hour, 2) + ":" + padded(fields.tm_min, 2) + ":" + padded(fields.tm_sec, 2)
            + "." + padded(Int32(now.tv_nsec / 1_000_000), 3) + "Z"
    }
}
