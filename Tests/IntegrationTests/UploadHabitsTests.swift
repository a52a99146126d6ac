import Foundation
import Testing

/// Uploads made the ways curl users' hands already type them (issue 19), with
/// the real curl against the real daemon: each ends in success or in a message
/// that says what to type instead, and none stores a module the user did not mean.
@Suite(.timeLimit(.minutes(1)))
struct UploadHabitsTests {
    let daemon: Daemon
    init() throws { daemon = try Daemon() }

    private var storedCount: Int {
        get throws { (try daemon.request("GET", "/v1/modules").json["modules"] as? [Any])?.count ?? -1 }
    }

    /// `(module (func (export "ten") (result i32) i32.const 10))`: its code section id
    /// and its constant are both the byte 0x0A, a newline.
    static let tenWasm: [UInt8] = [
        0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F,
        0x03, 0x02, 0x01, 0x00,
        0x07, 0x07, 0x01, 0x03, 0x74, 0x65, 0x6E, 0x00, 0x00,
        0x0A, 0x06, 0x01, 0x04, 0x00, 0x41, 0x0A, 0x0B,
    ]

    private func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = Paths.temporaryDirectory() + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func curlDashDOfACommentedWATFileIsRefusedWithAHint() throws {
        // add.wat opens with `;;` lines: without its newlines the first comment swallows the file.
        let answer = try Command.curl(daemon, "/v1/modules?name=calc", ["-d", "@" + Paths.example("add.wat")])
        #expect(answer.status == 422, "\(answer.body)")
        #expect(answer.json["code"] as? String == "invalid_wat")
        #expect((answer.json["detail"] as? String)?.contains("send the file with --data-binary") == true, "\(answer.body)")
        #expect(try storedCount == 0)
        let right = try Command.curl(daemon, "/v1/modules?name=calc", ["--data-binary", "@" + Paths.example("add.wat")])
        #expect(right.status == 201, "\(right.body)")
    }

    @Test func textWithNoModuleFieldsIsRefusedWhateverTheContentType() throws {
        for (body, type) in [(";; only a comment", "text/plain"), ("(module)", "application/wasm"), ("  \n", "application/octet-stream")] {
            let answer = try Command.curl(daemon, "/v1/modules", ["--data-binary", body, "-H", "Content-Type: \(type)"])
            #expect(answer.status == 422, "\(body): \(answer.body)")
            #expect(answer.json["code"] as? String == "invalid_wat")
            #expect((answer.json["detail"] as? String)?.contains("no module fields") == true, "\(answer.body)")
        }
        #expect(try storedCount == 0)
    }

    @Test func curlDashDOfABinaryWithNewlinesIsRefusedWithAHint() throws {
        let path = try file("ten.wasm", Self.tenWasm)
        let mangled = try Command.curl(daemon, "/v1/modules", ["-d", "@" + path])
        #expect(mangled.status == 422, "\(mangled.body)")
        // What is left depends on curl (7.88 sends 4 of the 36 bytes); it is refused either way.
        #expect(["invalid_module", "invalid_wat"].contains(mangled.json["code"] as? String ?? ""), "\(mangled.body)")
        #expect((mangled.json["detail"] as? String)?.contains("--data-binary") == true, "\(mangled.body)")
        #expect(try storedCount == 0)
        let right = try Command.curl(daemon, "/v1/modules?name=ten", ["--data-binary", "@" + path])
        #expect(right.status == 201, "\(right.body)")
        #expect(try daemon.invoke("ten", "ten").json["results"] as? [Int] == [10])
    }

    @Test func curlDashFWithOneFileAndANameUploads() throws {
        let answer = try Command.curl(daemon, "/v1/modules", ["-F", "file=@" + Paths.example("add.wat"), "-F", "name=calc"])
        #expect(answer.status == 201, "\(answer.body)")
        #expect(answer.json["names"] as? [String] == ["calc"])
        #expect(try daemon.invoke("calc", "add", "{\"args\":[1,2]}").json["results"] as? [Int] == [3])
        // The same bytes as --data-binary: the same id, already stored.
        let binary = try file("ten.wasm", Self.tenWasm)
        let form = try Command.curl(daemon, "/v1/modules?name=ten", ["-F", "module=@" + binary])
        let plain = try Command.curl(daemon, "/v1/modules", ["--data-binary", "@" + binary])
        #expect(form.status == 201 && plain.status == 200, "\(form.body) \(plain.body)")
        #expect(form.json["id"] as? String == plain.json["id"] as? String)
    }

    @Test(arguments: [
        (["-F", "name=calc"], "exactly one file part, got 0"),
        (["-F", "a=@ADD", "-F", "b=@ADD"], "exactly one file part, got 2"),
        (["-F", "file=@ADD", "-F", "name=Not A Name"], "name form field"),
        (["-F", "file=@ADD", "-F", "name=calc", "-F", "name=other"], "give the name once"),
    ])
    func aFormThatIsNotOneFilePartIsAClear400(arguments: [String], detail: String) throws {
        let filled = arguments.map { $0.replacingOccurrences(of: "ADD", with: Paths.example("add.wat")) }
        let answer = try Command.curl(daemon, "/v1/modules", filled)
        #expect(answer.status == 400, "\(answer.body)")
        #expect(answer.json["code"] as? String == "bad_request")
        #expect((answer.json["detail"] as? String)?.contains(detail) == true, "\(answer.body)")
        #expect(try storedCount == 0)
    }

    @Test func aFormContentTypeWithoutABoundaryOrFramingIsAClear400() throws {
        for (type, detail) in [("multipart/form-data", "boundary"), ("multipart/form-data; boundary=xyz", "delimiter")] {
            let answer = try daemon.request("POST", "/v1/modules", body: Array("(module)".utf8), headers: ["Content-Type: \(type)"])
            #expect(answer.status == 400, "\(answer.text)")
            #expect((answer.json["detail"] as? String)?.contains(detail) == true, "\(answer.text)")
        }
        #expect(try storedCount == 0)
    }

    @Test func aNameInTheQueryAndInTheFormIsAmbiguous() throws {
        let answer = try Command.curl(daemon, "/v1/modules?name=a", ["-F", "file=@" + Paths.example("add.wat"), "-F", "name=b"])
        #expect(answer.status == 400, "\(answer.body)")
        #expect(try storedCount == 0)
    }

    @Test func curlDashTPutsAModuleUnderAName() throws {
        let first = try Command.curl(daemon, "/v1/modules/calc", ["-T", Paths.example("add.wat")])
        #expect(first.status == 201, "\(first.body)")
        #expect(first.json["names"] as? [String] == ["calc"])
        #expect(try daemon.invoke("calc", "add", "{\"args\":[2,3]}").json["results"] as? [Int] == [5])
        // The name moves like a tag; the first module stays under its id.
        let binary = try file("ten.wasm", Self.tenWasm)
        let second = try Command.curl(daemon, "/v1/modules/calc", ["-T", binary])
        #expect(second.status == 201, "\(second.body)")
        #expect(try daemon.invoke("calc", "ten").json["results"] as? [Int] == [10])
        let firstID = try #require(first.json["id"] as? String)
        #expect(try daemon.request("GET", "/v1/modules/\(firstID)").json["names"] as? [String] == [])
        // Again: already stored.
        #expect(try Command.curl(daemon, "/v1/modules/calc", ["-T", binary]).status == 200)
    }

    @Test func putToAnIDOrWithAQueryIsRefusedNamingTheRightCall() throws {
        let id = String(repeating: "ab", count: 32)
        let answer = try Command.curl(daemon, "/v1/modules/\(id)", ["-T", Paths.example("add.wat")])
        #expect(answer.status == 400, "\(answer.body)")
        #expect((answer.json["detail"] as? String)?.contains("POST /v1/modules") == true, "\(answer.body)")
        let query = try Command.curl(daemon, "/v1/modules/calc?name=x", ["-T", Paths.example("add.wat")])
        #expect(query.status == 400, "\(query.body)")
        #expect(try storedCount == 0)
    }

    @Test(arguments: ["application/wasm", "application/json", "text/plain", "application/x-www-form-urlencoded", "image/png"])
    func theContentTypeNeverChangesTheOutcome(contentType: String) throws {
        let cases: [(body: [UInt8], status: Int, code: String?)] = [
            (Self.tenWasm, 201, nil),
            (try Paths.read(Paths.example("add.wat")), 201, nil),
            (Array("(module (func".utf8), 422, "invalid_wat"),
            (Array("not wasm at all".utf8), 422, "invalid_wat"),
            ([0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x07], 422, "invalid_module"),
        ]
        for (body, status, code) in cases {
            let answer = try daemon.request("POST", "/v1/modules", body: body, headers: ["Content-Type: \(contentType)"])
            #expect(answer.status == status, "\(contentType): \(answer.text)")
            #expect(answer.json["code"] as? String == code, "\(contentType): \(answer.text)")
            if let id = answer.json["id"] as? String { #expect(try daemon.request("DELETE", "/v1/modules/\(id)").status == 204) }
        }
    }
}
