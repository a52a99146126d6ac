import Differential

/// One section of a binary module: where its id byte, size LEB and body are.
struct SectionSpan {
    let id: UInt8
    /// Offset of the id byte.
    let start: Int
    /// Offset of the size LEB128.
    let sizeOffset: Int
    let bodyStart: Int
    let end: Int
}

/// Structure-aware byte mutations of WebAssembly modules (binary and WAT text).
struct Mutator {
    var rng: SplitMix64
    /// Largest input produced; bigger results are cut back.
    let maxSize: Int

    static let interestingBytes: [UInt8] = [
        0x00, 0x01, 0x02, 0x0B, 0x10, 0x11, 0x1F, 0x40, 0x41, 0x60, 0x6F, 0x70, 0x7B, 0x7C, 0x7D,
        0x7E, 0x7F, 0x80, 0x81, 0xC0, 0xFC, 0xFD, 0xFE, 0xFF,
    ]

    /// LEB128 values worth trying in a size or count field.
    static let interestingValues: [UInt64] = [
        0, 1, 2, 0x3F, 0x40, 0x7F, 0x80, 0x3FFF, 0x4000, 0xFFFF, 0x1_0000, 0x10_0000,
        0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000, UInt64.max,
    ]

    static let watTokens: [String] = [
        "(", ")", "(module", "(func", "(export \"f\"", "(param i32)", "(param i64 i64)", "(result i32)",
        "(result v128)", "(local i32)", "(memory 1)", "(memory 65536)", "(memory 0 0)", "(table 1 funcref)",
        "(table 100001 funcref)", "(global (mut i32)", "(data (i32.const 0) \"\\ff\")", "(elem (i32.const 0) 0)",
        "(start 0)", "(import \"host\" \"log\" (func (param i32 i32)))",
        "(import \"host\" \"call\" (func (param i32 i32 i64) (result i64)))", "(import \"env\" \"x\" (func))",
        "i32.const", "i64.const", "f32.const", "f64.const", "-1", "0", "0x7fffffff", "0x80000000",
        "-0x8000000000000000", "18446744073709551616", "nan", "-nan", "nan:0x1", "inf", "1e400",
        "0x1p+1024", "i32.div_s", "i32.div_u", "i64.rem_s", "memory.grow", "memory.size", "memory.fill",
        "memory.copy", "call 0", "call_indirect (type 0)", "return_call 0", "br 0", "br_if 0", "br_table 0 1 0",
        "loop", "block", "if", "else", "end", "unreachable", "drop", "select", "local.get 0", "local.set 0",
        "global.get 0", "table.grow 0", "ref.null func", "ref.func 0", "v128.const i32x4 0 0 0 0",
        "i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15", "try_table (catch_all 0)", "throw 0",
        "(tag)", "$f", "$", "\"", "\\", "\\u{10FFFF}", "\\ff", ";;", "(;", ";)", "\u{0}", "\u{FEFF}",
    ]

    /// Mutates `input` 1–4 times. `others` are other corpus entries, for splices.
    /// Returns the result and a short description of what was done.
    mutating func mutate(_ input: [UInt8], others: [[UInt8]]) -> ([UInt8], String) {
        var bytes = input
        var steps: [String] = []
        let isText = !bytes.starts(with: [0x00, 0x61, 0x73, 0x6D])
        for _ in 0..<(1 + rng.below(4)) {
            let step = isText ? mutateText(&bytes, others: others) : mutateBinary(&bytes, others: others)
            steps.append(step)
        }
        if bytes.count > maxSize { bytes.removeLast(bytes.count - maxSize) }
        return (bytes, steps.joined(separator: ","))
    }

    // MARK: binary

    private mutating func mutateBinary(_ bytes: inout [UInt8], others: [[UInt8]]) -> String {
        switch rng.below(13) {
        case 0: return flipBits(&bytes)
        case 1: return setInteresting(&bytes)
        case 2: return insertBytes(&bytes)
        case 3: return deleteRange(&bytes)
        case 4, 5: return tweakStructuralLEB(&bytes)
        case 6: return tweakAnyLEB(&bytes)
        case 7, 8: return spliceSection(&bytes, others: others)
        case 9: return reshuffleSections(&bytes)
        case 10: return truncate(&bytes)
        case 11: return crossover(&bytes, others: others)
        default: return arithmetic(&bytes)
        }
    }

    private mutating func position(in bytes: [UInt8], skippingHeader: Bool = true) -> Int? {
        let low = skippingHeader && bytes.count > 8 ? 8 : 0
        guard bytes.count > low else { return nil }
        return low + rng.below(bytes.count - low)
    }

    private mutating func flipBits(_ bytes: inout [UInt8]) -> String {
        let count = 1 + rng.below(4)
        for _ in 0..<count {
            guard let at = position(in: bytes) else { break }
            bytes[at] ^= UInt8(1) << UInt8(rng.below(8))
        }
        return "flip\(count)"
    }

    private mutating func setInteresting(_ bytes: inout [UInt8]) -> String {
        guard let at = position(in: bytes) else { return "noop" }
        bytes[at] = Self.interestingBytes[rng.below(Self.interestingBytes.count)]
        return "byte@\(at)"
    }

    private mutating func arithmetic(_ bytes: inout [UInt8]) -> String {
        guard let at = position(in: bytes) else { return "noop" }
        let delta = UInt8(1 + rng.below(16))
        bytes[at] = rng.chance(50) ? bytes[at] &+ delta : bytes[at] &- delta
        return "arith@\(at)"
    }

    private mutating func insertBytes(_ bytes: inout [UInt8], text: Bool = false) -> String {
        let at = bytes.isEmpty ? 0 : rng.below(bytes.count + 1)
        let count = 1 + rng.below(rng.chance(10) ? 4096 : 16)
        let fill: [UInt8]
        if rng.chance(50) {
            let byte = Self.interestingBytes[rng.below(Self.interestingBytes.count)]
            fill = [UInt8](repeating: byte, count: count)
        } else {
            fill = (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        }
        bytes.insert(contentsOf: fill, at: at)
        return "ins\(count)@\(at)"
    }

    private mutating func deleteRange(_ bytes: inout [UInt8]) -> String {
        guard let at = position(in: bytes) else { return "noop" }
        let count = min(bytes.count - at, 1 + rng.below(rng.chance(10) ? 1024 : 32))
        bytes.removeSubrange(at..<(at + count))
        return "del\(count)@\(at)"
    }

    private mutating func truncate(_ bytes: inout [UInt8]) -> String {
        guard !bytes.isEmpty else { return "noop" }
        let keep = rng.below(bytes.count)
        bytes.removeLast(bytes.count - keep)
        return "trunc\(keep)"
    }

    private mutating func crossover(_ bytes: inout [UInt8], others: [[UInt8]]) -> String {
        guard let other = others.isEmpty ? nil : others[rng.below(others.count)], other.count > 8,
              let at = position(in: bytes)
        else { return "noop" }
        let from = rng.below(other.count)
        let count = min(other.count - from, 1 + rng.below(64))
        let end = min(bytes.count, at + count)
        bytes.replaceSubrange(at..<end, with: other[from..<(from + count)])
        return "cross\(count)@\(at)"
    }

    /// Reads an unsigned LEB128 at `offset` (at most 10 bytes).
    static func readLEB(_ bytes: [UInt8], at offset: Int) -> (value: UInt64, length: Int)? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var index = offset
        while index < bytes.count && index - offset < 10 {
            let byte = bytes[index]
            if shift < 64 { result |= UInt64(byte & 0x7F) << shift }
            index += 1
            if byte & 0x80 == 0 { return (result, index - offset) }
            shift += 7
        }
        return nil
    }

    static func encodeLEB(_ value: UInt64, minimumLength: Int = 1) -> [UInt8] {
        var out: [UInt8] = []
        var rest = value
        repeat {
            var byte = UInt8(rest & 0x7F)
            rest >>= 7
            if rest != 0 || out.count + 1 < minimumLength { byte |= 0x80 }
            out.append(byte)
        } while rest != 0 || out.count < minimumLength
        return out
    }

    /// Splits a binary module into its sections (stops at the first one that does not fit).
    static func sections(_ bytes: [UInt8]) -> [SectionSpan] {
        var spans: [SectionSpan] = []
        var offset = 8
        while offset < bytes.count {
            let id = bytes[offset]
            guard let (size, length) = readLEB(bytes, at: offset + 1) else { break }
            let bodyStart = offset + 1 + length
            guard size <= UInt64(bytes.count), bodyStart + Int(size) <= bytes.count else { break }
            spans.append(SectionSpan(id: id, start: offset, sizeOffset: offset + 1, bodyStart: bodyStart, end: bodyStart + Int(size)))
            offset = bodyStart + Int(size)
        }
        return spans
    }

    /// Replaces the LEB128 at `offset` with another value or another encoding of it.
    private mutating func rewriteLEB(_ bytes: inout [UInt8], at offset: Int) -> String {
        guard let (value, length) = Self.readLEB(bytes, at: offset) else { return "noop" }
        let replacement: [UInt8]
        switch rng.below(5) {
        case 0: replacement = Self.encodeLEB(value &+ 1)
        case 1: replacement = Self.encodeLEB(value == 0 ? 0 : value &- 1)
        case 2: replacement = Self.encodeLEB(value, minimumLength: length + 1 + rng.below(5))  // overlong
        case 3: replacement = Self.encodeLEB(Self.interestingValues[rng.below(Self.interestingValues.count)])
        default: replacement = Self.encodeLEB(value &* UInt64(2 + rng.below(1000)))
        }
        bytes.replaceSubrange(offset..<(offset + length), with: replacement)
        return "leb@\(offset)"
    }

    /// A section size, or the first LEB of a section body (usually a vector count).
    private mutating func tweakStructuralLEB(_ bytes: inout [UInt8]) -> String {
        let spans = Self.sections(bytes)
        guard !spans.isEmpty else { return tweakAnyLEB(&bytes) }
        let span = spans[rng.below(spans.count)]
        let offset = rng.chance(50) || span.bodyStart >= span.end ? span.sizeOffset : span.bodyStart
        return "s" + rewriteLEB(&bytes, at: offset)
    }

    private mutating func tweakAnyLEB(_ bytes: inout [UInt8]) -> String {
        guard let at = position(in: bytes) else { return "noop" }
        return rewriteLEB(&bytes, at: at)
    }

    /// Inserts (or swaps in) a section taken from another module.
    private mutating func spliceSection(_ bytes: inout [UInt8], others: [[UInt8]]) -> String {
        let binaries = others.filter { $0.starts(with: [0x00, 0x61, 0x73, 0x6D]) }
        guard !binaries.isEmpty else { return "noop" }
        let donor = binaries[rng.below(binaries.count)]
        let donorSpans = Self.sections(donor)
        guard !donorSpans.isEmpty else { return "noop" }
        let chosen = donorSpans[rng.below(donorSpans.count)]
        let piece = Array(donor[chosen.start..<chosen.end].prefix(1 << 20))
        let spans = Self.sections(bytes)
        let boundaries = [8] + spans.map(\.end)
        let at = min(bytes.count, boundaries[rng.below(boundaries.count)])
        if rng.chance(50), let victim = spans.first(where: { $0.start == at }) {
            bytes.replaceSubrange(victim.start..<victim.end, with: piece)
            return "swap-section@\(at)"
        }
        bytes.insert(contentsOf: piece, at: at)
        return "splice-section@\(at)"
    }

    /// Drops, duplicates or swaps whole sections.
    private mutating func reshuffleSections(_ bytes: inout [UInt8]) -> String {
        let spans = Self.sections(bytes)
        guard !spans.isEmpty else { return truncate(&bytes) }
        let span = spans[rng.below(spans.count)]
        switch rng.below(3) {
        case 0:
            bytes.removeSubrange(span.start..<span.end)
            return "drop-section\(span.id)"
        case 1:
            bytes.insert(contentsOf: Array(bytes[span.start..<span.end]), at: span.end)
            return "dup-section\(span.id)"
        default:
            let other = spans[rng.below(spans.count)]
            guard other.start != span.start else { return "noop" }
            let (first, second) = span.start < other.start ? (span, other) : (other, span)
            let swapped = Array(bytes[second.start..<second.end]) + Array(bytes[first.end..<second.start])
                + Array(bytes[first.start..<first.end])
            bytes.replaceSubrange(first.start..<second.end, with: swapped)
            return "swap-sections\(first.id)-\(second.id)"
        }
    }

    // MARK: text

    private mutating func mutateText(_ bytes: inout [UInt8], others: [[UInt8]]) -> String {
        switch rng.below(8) {
        case 0, 1, 2:
            let token = Array(Self.watTokens[rng.below(Self.watTokens.count)].utf8)
            let at = bytes.isEmpty ? 0 : rng.below(bytes.count + 1)
            bytes.insert(contentsOf: rng.chance(50) ? token + [0x20] : [0x20] + token, at: at)
            return "tok@\(at)"
        case 3:
            // Replace a run of non-space characters with a token.
            guard let at = position(in: bytes, skippingHeader: false) else { return "noop" }
            var end = at
            while end < bytes.count && bytes[end] != 0x20 && bytes[end] != 0x0A && end - at < 40 { end += 1 }
            bytes.replaceSubrange(at..<end, with: Array(Self.watTokens[rng.below(Self.watTokens.count)].utf8))
            return "retok@\(at)"
        case 4: return deleteRange(&bytes)
        case 5:
            // Duplicate a span (nesting, repeated fields).
            guard let at = position(in: bytes, skippingHeader: false) else { return "noop" }
            let count = min(bytes.count - at, 1 + rng.below(200))
            bytes.insert(contentsOf: Array(bytes[at..<(at + count)]), at: at)
            return "dup\(count)@\(at)"
        case 6: return flipBits(&bytes)
        default: return truncate(&bytes)
        }
    }
}
