/// The output an invocation captures: `host.output_write`, `host.log`, and WASI
/// stdout/stderr. Each stream is capped; past the cap bytes are dropped and the
/// stream is marked truncated.
final class CapturedStreams {
    /// One capped byte stream.
    struct Stream {
        private(set) var bytes: [UInt8] = []
        private(set) var truncated = false
        private(set) var used = false

        mutating func append(_ piece: UnsafeRawBufferPointer, cap: Int) {
            used = true
            let room = max(0, cap - bytes.count)
            if piece.count > room { truncated = true }
            bytes.append(contentsOf: piece.prefix(room))
        }
    }

    let cap: Int
    var output = Stream()
    var stdout = Stream()
    var stderr = Stream()
    /// Log lines; the cap applies to their total size.
    private(set) var logs: [String] = []
    private(set) var logsTruncated = false
    private(set) var logsUsed = false
    private var logBytes = 0

    init(cap: Int) { self.cap = cap }

    /// Appends a log line; invalid UTF-8 is replaced with U+FFFD, never dropped.
    func log(_ piece: UnsafeRawBufferPointer) {
        logsUsed = true
        let room = max(0, cap - logBytes)
        if piece.count > room { logsTruncated = true }
        guard room > 0 else { return }
        let kept = UnsafeRawBufferPointer(rebasing: piece.prefix(room))
        logBytes += kept.count
        logs.append(String(decoding: kept, as: UTF8.self))
    }

    /// Names of the streams that were cut, in a stable order.
    var truncatedStreams: [String] {
        var names: [String] = []
        if output.truncated { names.append("output") }
        if logsTruncated { names.append("logs") }
        if stdout.truncated { names.append("stdout") }
        if stderr.truncated { names.append("stderr") }
        return names
    }
}
