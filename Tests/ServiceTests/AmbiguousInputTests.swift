import Foundation
import Testing
@testable import Service

/// Input that could be read two ways is refused, never guessed (API.md,
/// "Nothing ambiguous is guessed"); details stay small whatever the module.
@Suite(.timeLimit(.minutes(3)))
struct AmbiguousInputTests {
    static let echo = """
        (module (func (export "f") (param i32) (result i32) local.get 0))
        """

    @Test func aNameGivenTwiceIsRefusedAndNothingIsStored() throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        let response = harness.send("POST", "/v1/modules", query: [("name", "a"), ("name", "b")], body: Self.echo)
        #expect(response.status == 400)
        #expect(response.code == "bad_request")
        #expect(harness.store.totals.count == 0)
    }

    @Test(arguments: [
        #"{"args": [1], "args": [2]}"#,
        #"{"args": [1], "wasi": {"env": {"K": "1", "K": "2"}}}"#,
        #"{"args": [1], "fuel": 10, "timeout_ms": 5, "input": "a", "wasi": {}, "fuel": 20}"#,
        // Past the scan, member names are checked with a set.
        "{" + (0..<12).map { "\"m\($0)\": 1" }.joined(separator: ", ") + ", \"m3\": 2}",
    ])
    func aJSONObjectWithAMemberTwiceIsABadRequest(body: String) throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        _ = harness.send("POST", "/v1/modules", query: [("name", "echo")], body: Self.echo)
        let response = harness.send("POST", "/v1/modules/echo/invoke/f", body: body)
        #expect(response.status == 400)
        #expect(response.code == "bad_request")
        guard case .string(let detail)? = response.members["detail"] else { Issue.record("no detail"); return }
        #expect(detail.contains("twice"), "\(detail)")
    }

    @Test(arguments: [
        #"{"args": [1], "wasi": {"env": {"A=B": "c"}}}"#,
        #"{"args": [1], "wasi": {"env": {"": "c"}}}"#,
        #"{"args": [1], "wasi": {"env": {"A": "b\u0000c"}}}"#,
        #"{"args": [1], "wasi": {"env": {"A\u0000": "c"}}}"#,
        #"{"args": [1], "wasi": {"args": ["prog", "a\u0000b"]}}"#,
    ])
    func wasiStringsThatCChangesAreABadRequest(body: String) throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        _ = harness.send("POST", "/v1/modules", query: [("name", "echo")], body: Self.echo)
        let response = harness.send("POST", "/v1/modules/echo/invoke/f", body: body)
        #expect(response.status == 400, "\(String(decoding: response.body, as: UTF8.self))")
        #expect(response.code == "bad_request")
    }

    @Test func theSameRequestWithoutAmbiguityStillWorks() throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        _ = harness.send("POST", "/v1/modules", query: [("name", "echo")], body: Self.echo)
        let response = harness.send(
            "POST", "/v1/modules/echo/invoke/f",
            body: #"{"args": [7], "wasi": {"env": {"A": "b=c"}, "args": ["prog", "x"]}}"#)
        #expect(response.status == 200)
        #expect(response.members["results"] == .array([.number("7")]))
    }

    @Test func aMissingExportDetailListsAtMostFiftyNames() throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        let exports = (0..<200).map { "(func (export \"f\($0)\"))" }.joined()
        let upload = harness.send("POST", "/v1/modules", query: [("name", "many")], body: "(module \(exports))")
        #expect(upload.status == 201)
        let response = harness.send("POST", "/v1/modules/many/invoke/nope")
        #expect(response.code == "export_not_found")
        guard case .string(let detail)? = response.members["detail"] else { Issue.record("no detail"); return }
        #expect(detail.contains("f0, f1"))
        #expect(detail.contains("f49,") || detail.contains("f49 "))
        #expect(!detail.contains("f50,"))
        #expect(detail.hasSuffix("… and 150 more"), "\(detail.suffix(80))")
        #expect(response.body.count < 2_000)
    }
}
