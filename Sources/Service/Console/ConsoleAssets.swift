import Foundation
import HTTPServer
import ModuleStore

/// The web console's files (`Resources/console`), read once from the bundle and
/// served at `/` and `/console/{asset}` with a strict policy and an ETag.
///
/// The console is plain HTML, CSS and JavaScript modules that use only the
/// public `/v1` API from the browser, so it needs no route of its own beyond these.
enum ConsoleAssets {
    /// One file, ready to send.
    struct Asset: Sendable {
        let contentType: String
        let body: [UInt8]
        /// A strong validator: the start of the SHA-256 of the bytes, quoted.
        let etag: String
    }

    /// The asset `/` serves.
    static let indexName = "index.html"

    /// Scripts and styles come only from this origin, nothing inline, and the page
    /// talks only to the daemon that served it.
    static let contentSecurityPolicy = [
        "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'",
        "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    /// File name → asset, for every file in the bundle's `console` folder.
    static let assets: [String: Asset] = {
        guard let folder = Bundle.module.url(forResource: "console", withExtension: nil),
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        else { return [:] }
        var assets: [String: Asset] = [:]
        for name in names {
            guard let type = contentType(of: name),
                let data = try? Data(contentsOf: folder.appendingPathComponent(name))
            else { continue }
            let body = Array(data)
            assets[name] = Asset(contentType: type, body: body, etag: "\"\(ModuleStore.id(of: body).prefix(32))\"")
        }
        return assets
    }()

    /// The answer to `request` for the asset `name`: `200`, or `304` when the
    /// request's `If-None-Match` already names its ETag.
    /// - Throws: `not_found` when there is no such asset.
    static func response(for name: String, _ request: HTTPRequest) throws(APIError) -> HTTPResponse {
        guard let asset = assets[name] else {
            throw APIError(.notFound, "the console has no file '\(name.prefix(200))'")
        }
        var headers: [(name: String, value: String)] = [
            ("ETag", asset.etag),
            // Revalidate on every load: a daemon upgrade changes the console.
            ("Cache-Control", "no-cache"),
            ("X-Content-Type-Options", "nosniff"),
            ("Content-Security-Policy", contentSecurityPolicy),
            ("Referrer-Policy", "no-referrer"),
        ]
        if let ifNoneMatch = request.header("if-none-match"), matches(ifNoneMatch, asset.etag) {
            return HTTPResponse(status: 304, headers: headers)
        }
        headers.insert(("Content-Type", asset.contentType), at: 0)
        return HTTPResponse(status: 200, headers: headers, body: asset.body)
    }

    /// RFC 9110 §13.1.2: `*`, or a list of entity tags compared weakly.
    static func matches(_ ifNoneMatch: String, _ etag: String) -> Bool {
        ifNoneMatch.split(separator: ",").contains { candidate in
            let tag = candidate.trimmingCharacters(in: .whitespaces)
            return tag == "*" || tag == etag || tag == "W/" + etag
        }
    }

    static func contentType(of name: String) -> String? {
        switch name.split(separator: ".").last {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        default: nil
        }
    }
}
