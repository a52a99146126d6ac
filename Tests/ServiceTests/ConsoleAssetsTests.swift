import Foundation
import HTTPServer
import Testing
@testable import Service

/// The web console's files at `/` and `/console/{asset}`: headers, revalidation, size.
@Suite(.timeLimit(.minutes(3)))
struct ConsoleAssetsTests {
    static func consoleFolder() -> URL {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Sources/Service/Resources/console")
    }

    @Test func theRootServesThePageWithAStrictPolicy() throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        let page = harness.send("GET", "/")
        #expect(page.status == 200)
        #expect(page.header("Content-Type") == "text/html; charset=utf-8")
        #expect(page.header("X-Content-Type-Options") == "nosniff")
        #expect(page.header("Cache-Control") == "no-cache")
        let policy = try #require(page.header("Content-Security-Policy"))
        #expect(policy.contains("script-src 'self'"))
        #expect(policy.contains("connect-src 'self'"))
        #expect(!policy.contains("unsafe-inline"))
        #expect(String(decoding: page.body, as: UTF8.self).contains("/console/app.js"))
    }

    @Test(arguments: [("app.js", "text/javascript; charset=utf-8"), ("console.css", "text/css; charset=utf-8"),
                      ("icon.svg", "image/svg+xml"), ("index.html", "text/html; charset=utf-8")])
    func eachAssetHasItsTypeAndETag(name: String, type: String) throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        let asset = harness.send("GET", "/console/\(name)")
        #expect(asset.status == 200)
        #expect(asset.header("Content-Type") == type)
        let expected = try Data(contentsOf: Self.consoleFolder().appendingPathComponent(name))
        #expect(asset.body == Array(expected))
        let etag = try #require(asset.header("ETag"))
        #expect(etag.count == 34 && etag.hasPrefix("\"") && etag.hasSuffix("\""))
    }

    @Test(arguments: ["\"ETAG\"", "W/\"ETAG\"", "\"other\", \"ETAG\"", "*"])
    func aMatchingIfNoneMatchIsNotModified(header: String) throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        let first = harness.send("GET", "/console/app.js")
        let etag = try #require(first.header("ETag"))
        let value = header.replacingOccurrences(of: "\"ETAG\"", with: etag)
        let again = harness.send("GET", "/console/app.js", headers: [("if-none-match", value)])
        #expect(again.status == 304)
        #expect(again.body.isEmpty)
        #expect(again.header("ETag") == etag)
        #expect(again.header("Content-Security-Policy") != nil)
    }

    @Test func aStaleETagGetsTheFile() throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        let stale = harness.send("GET", "/", headers: [("if-none-match", "\"0123456789abcdef0123456789abcdef\"")])
        #expect(stale.status == 200)
        #expect(!stale.body.isEmpty)
    }

    @Test(arguments: ["/console/nope.js", "/console/..%2FPackage.swift", "/console/%2E%2E", "/console/openapi.json", "/console"])
    func unknownFilesAreNotFound(path: String) throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        let response = harness.send("GET", path)
        #expect(response.status == 404)
        #expect(response.code == "not_found")
    }

    @Test func theConsoleStaysOpenWhenAuthIsOnAndAnswersOnlyGet() throws {
        var configuration = ServiceConfiguration()
        configuration.authToken = "secret"
        let harness = try ServiceHarness(configuration: configuration)
        defer { harness.close() }
        #expect(harness.send("GET", "/").status == 200)
        #expect(harness.send("GET", "/console/app.js").status == 200)
        #expect(harness.send("GET", "/v1/modules").status == 401)
        let post = harness.send("POST", "/")
        #expect(post.status == 405)
        #expect(post.header("Allow") == "GET")
    }

    /// The issue's budget: the whole console under 100 KB, every file served.
    @Test func theConsoleIsSmallAndEveryFileIsServed() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.consoleFolder().path)
        var total = 0
        for name in names {
            total += try Data(contentsOf: Self.consoleFolder().appendingPathComponent(name)).count
            #expect(ConsoleAssets.assets[name] != nil, "\(name) is not served")
        }
        #expect(total < 100 * 1024, "the console is \(total) bytes")
        #expect(ConsoleAssets.assets.count == names.count)
    }

    /// Every module the page or a script imports exists, so a renamed file cannot break the page.
    @Test func everyImportNamesAServedFile() throws {
        let pattern = try Regex(#"(?:from\s+'\./|src="/console/|href="/console/)([a-z0-9_.-]+)"#)
        var checked = 0
        for (name, asset) in ConsoleAssets.assets where name.hasSuffix(".js") || name.hasSuffix(".html") {
            let text = String(decoding: asset.body, as: UTF8.self)
            for match in text.matches(of: pattern) {
                let imported = String(match.output[1].substring ?? "")
                #expect(ConsoleAssets.assets[imported] != nil, "\(name) imports \(imported)")
                checked += 1
            }
        }
        #expect(checked >= 10)
    }
}
