import Foundation
import Logging
import Service
import Synchronization

/// Log output: one line per event on stderr, as text or JSON lines.
enum LogSetup {
    /// - Parameter batched: collect lines and write them in batches (the daemon);
    ///   otherwise each line is written at once (the one-shot CLI commands).
    static func bootstrap(format: String, level: String, batched: Bool = false) {
        // The text handler stamps each line with localtime(), and glibc re-reads
        // /etc/localtime (a stat per call) unless TZ is set. Naming the same
        // default zone through TZ keeps the local time and reads the file once.
        if getenv("TZ") == nil { setenv("TZ", ":/etc/localtime", 0) }
        LogLevelControl.level = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            let handler: any LogHandler = switch (format == "json", batched) {
            case (true, _): LineLogHandler(label: label, format: .json, batched: batched)
            case (false, true): LineLogHandler(label: label, format: .text, batched: true)
            case (false, false): StreamLogHandler.standardError(label: label)
            }
            return ReloadableLevelLogHandler(inner: handler)
        }
    }

    /// Writes the lines still waiting; call before the process exits.
    static func flush() { LogBuffer.shared.flush() }
}

/// One line per event, built straight into bytes.
///
/// - `text`: `2026-11-25T21:04:05+0000 info wasmhost.http : key=value … [Service] message`,
///   the layout of swift-log's `StreamLogHandler` (local time, metadata in key order).
/// - `json`: one object per line: `ts` (UTC, RFC 3339 with milliseconds), `level`,
///   `logger`, `message`, then the metadata in key order.
struct LineLogHandler: LogHandler {
    enum Format { case text, json }

    let label: String
    let format: Format
    let batched: Bool
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.isEmpty ? (event.metadata ?? [:]) : metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 })
        let keys = merged.keys.sorted()
        var rest: [UInt8]
        switch format {
        case .text:
            var text = " \(event.level) \(label) :"
            for key in keys { if let value = merged[key] { text += " \(key)=\(value)" } }
            text += " [\(event.source)] \(event.message)\n"
            rest = Array(text.utf8)
        case .json:
            var members: [(String, JSONValue)] = [
                ("level", .string(event.level.rawValue)), ("logger", .string(label)), ("message", .string("\(event.message)")),
            ]
            for key in keys { if let value = merged[key] { members.append((key, .string("\(value)"))) } }
            // `{"level":…}` becomes the tail of `{"ts":"…Z","level":…}`.
            rest = Array(#"Z","#.utf8) + JSONWriter.encode(.object(members)).dropFirst()
            rest.append(0x0A)
        }
        let json = format == .json
        LogBuffer.shared.append(
            prefix: json ? #"{"ts":""# : "", stamp: json ? Self.utcStamp : Self.localStamp,
            withMilliseconds: json, rest: rest, immediately: !batched)
    }

    /// `2026-11-25T21:04:05` in UTC (the JSON `ts` without its milliseconds and `Z`).
    static func utcStamp(_ second: Int) -> String { stamp(second, format: "%Y-%m-%dT%H:%M:%S", utc: true) }

    /// `2026-11-25T21:04:05+0000` in local time, as `StreamLogHandler` writes it.
    static func localStamp(_ second: Int) -> String { stamp(second, format: "%Y-%m-%dT%H:%M:%S%z", utc: false) }

    private static func stamp(_ second: Int, format: String, utc: Bool) -> String {
        var time = time_t(second)
        var parts = tm()
        if utc { gmtime_r(&time, &parts) } else { localtime_r(&time, &parts) }
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, format, &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
