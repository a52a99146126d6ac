/// Derives, in memory, a copy of a module that also exports every memory and
/// every mutable global (exported or not) under reserved names, so that a
/// recycled instance can be snapshotted and restored through WasmKit's public API.
///
/// Only the export section changes; every other section is copied byte for
/// byte. The stored bytes and the module id stay the original's, and the
/// description shows only the original exports.
enum ModuleRewriter {
    /// Export names with this prefix are reserved; uploads that use it are refused.
    static let reservedPrefix = "__wasmhost_"

    static func memoryExport(_ index: Int) -> String { "\(reservedPrefix)memory_\(index)" }
    static func globalExport(_ index: Int) -> String { "\(reservedPrefix)global_\(index)" }

    enum Failure: Error { case malformed }

    /// The rewritten binary. `mutableGlobals` and `memoryCount` index the module's
    /// own (defined) globals and memories; this host provides no imported ones.
    static func exportingState(_ bytes: [UInt8], mutableGlobals: [Int], memoryCount: Int) throws(Failure) -> [UInt8] {
        var extra: [UInt8] = []
        var added = 0
        for index in 0..<memoryCount {
            extra += name(memoryExport(index)) + [0x02] + leb(UInt32(index))
            added += 1
        }
        for index in mutableGlobals {
            extra += name(globalExport(index)) + [0x03] + leb(UInt32(index))
            added += 1
        }
        guard added > 0 else { return bytes }

        var output = Array(bytes[0..<8])
        var inserted = false
        // Standard section order; the export section (7) goes before start (8),
        // element (9), data count (12), code (10) and data (11).
        let afterExport: Set<UInt8> = [8, 9, 10, 11, 12]
        try forEachSection(bytes) { id, section, body throws(Failure) in
            if id == 7 {
                var entry = body.lowerBound
                let count = try readLEB(bytes, &entry)
                let merged = leb(count + UInt32(added)) + Array(bytes[entry..<body.upperBound]) + extra
                output += [7] + leb(UInt32(merged.count)) + merged
                inserted = true
            } else {
                if !inserted && afterExport.contains(id) {
                    let created = leb(UInt32(added)) + extra
                    output += [7] + leb(UInt32(created.count)) + created
                    inserted = true
                }
                output += bytes[section]
            }
        }
        if !inserted {
            let created = leb(UInt32(added)) + extra
            output += [7] + leb(UInt32(created.count)) + created
        }
        return output
    }

    /// The binary without its custom sections called `name`.
    static func removingCustomSections(named target: String, from bytes: [UInt8]) throws(Failure) -> [UInt8] {
        var output = Array(bytes.prefix(8))
        try forEachSection(bytes) { id, section, body throws(Failure) in
            var keep = true
            if id == 0 {
                var nameStart = body.lowerBound
                let length = try readLEB(bytes, &nameStart)
                let nameEnd = nameStart + Int(length)
                keep = nameEnd > body.upperBound
                    || String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self) != target
            }
            if keep { output += bytes[section] }
        }
        return output
    }

    /// Calls `visit` with each section's id, its whole range (header included)
    /// and its body's range, in order, after the 8-byte preamble.
    private static func forEachSection(
        _ bytes: [UInt8], _ visit: (UInt8, Range<Int>, Range<Int>) throws(Failure) -> Void
    ) throws(Failure) {
        var position = 8
        while position < bytes.count {
            let id = bytes[position]
            var cursor = position + 1
            let size = try readLEB(bytes, &cursor)
            let end = cursor + Int(size)
            guard end <= bytes.count else { throw .malformed }
            try visit(id, position..<end, cursor..<end)
            position = end
        }
    }

    private static func name(_ text: String) -> [UInt8] {
        let utf8 = Array(text.utf8)
        return leb(UInt32(utf8.count)) + utf8
    }

    static func leb(_ value: UInt32) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        repeat {
            var byte = UInt8(value & 0x7F)
            value >>= 7
            if value != 0 { byte |= 0x80 }
            bytes.append(byte)
        } while value != 0
        return bytes
    }

    static func readLEB(_ bytes: [UInt8], _ position: inout Int) throws(Failure) -> UInt32 {
        var result: UInt32 = 0
        var shift: UInt32 = 0
        while true {
            guard position < bytes.count, shift < 35 else { throw .malformed }
            let byte = bytes[position]
            position += 1
            result |= UInt32(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }
}
