import Testing
@testable import Sandbox

/// Capped output streams and log lines.
@Suite(.timeLimit(.minutes(3)))
struct CapturedStreamsTests {
    static func append(_ bytes: [UInt8], to stream: inout CapturedStreams.Stream, cap: Int) {
        bytes.withUnsafeBytes { stream.append($0, cap: cap) }
    }

    static func log(_ bytes: [UInt8], to streams: CapturedStreams) {
        bytes.withUnsafeBytes { streams.log($0) }
    }

    @Test func aStreamKeepsBytesUpToTheCapThenMarksItselfTruncated() {
        let streams = CapturedStreams(cap: 5)
        #expect(!streams.output.used)
        Self.append([1, 2, 3], to: &streams.output, cap: streams.cap)
        #expect(streams.output.used && !streams.output.truncated)
        Self.append([4, 5, 6, 7], to: &streams.output, cap: streams.cap)
        #expect(streams.output.bytes == [1, 2, 3, 4, 5])
        #expect(streams.output.truncated)
        Self.append([8], to: &streams.output, cap: streams.cap)
        #expect(streams.output.bytes == [1, 2, 3, 4, 5])
        #expect(streams.truncatedStreams == ["output"])
    }

    @Test func anEmptyWriteMarksTheStreamUsedButNotTruncated() {
        let streams = CapturedStreams(cap: 0)
        Self.append([], to: &streams.stdout, cap: streams.cap)
        #expect(streams.stdout.used)
        #expect(!streams.stdout.truncated)
        Self.append([1], to: &streams.stdout, cap: streams.cap)
        #expect(streams.stdout.truncated && streams.stdout.bytes.isEmpty)
    }

    @Test func logLinesShareOneCapAndTheLastLineIsCut() {
        let streams = CapturedStreams(cap: 8)
        Self.log(Array("hello".utf8), to: streams)
        Self.log(Array("world".utf8), to: streams)
        Self.log(Array("more".utf8), to: streams)
        #expect(streams.logs == ["hello", "wor"])
        #expect(streams.logsUsed)
        #expect(streams.truncatedStreams == ["logs"])
    }

    @Test(arguments: [
        ([0x61, 0xFF, 0x62] as [UInt8], "a\u{FFFD}b"),
        ([0xC3], "\u{FFFD}"),
        ([0xED, 0xA0, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}"),
        (Array("é中😀".utf8), "é中😀"),
    ])
    func invalidUTF8InALogIsReplacedNeverDropped(bytes: [UInt8], text: String) {
        let streams = CapturedStreams(cap: 1 << 20)
        Self.log(bytes, to: streams)
        #expect(streams.logs == [text])
    }

    @Test func aLogCutInsideACharacterEndsWithAReplacement() {
        let streams = CapturedStreams(cap: 2)
        Self.log(Array("a€".utf8), to: streams)
        #expect(streams.logs == ["a\u{FFFD}"])
    }

    @Test func truncatedStreamsAreListedInAStableOrder() {
        let streams = CapturedStreams(cap: 1)
        Self.append([1, 2], to: &streams.stderr, cap: streams.cap)
        Self.append([1, 2], to: &streams.stdout, cap: streams.cap)
        Self.log([1, 2], to: streams)
        Self.append([1, 2], to: &streams.output, cap: streams.cap)
        #expect(streams.truncatedStreams == ["output", "logs", "stdout", "stderr"])
    }
}
