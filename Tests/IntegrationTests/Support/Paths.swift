import TestSupport
import Foundation

/// Locations of the repository, the built daemon and the fixtures.
enum Paths {
    /// The package root, found from this file's path.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The daemon binary `swift build` made (override with WASMHOST_BINARY).
    static var binary: String {
        ProcessInfo.processInfo.environment["WASMHOST_BINARY"] ?? "\(root)/.build/debug/wasmhost"
    }

    static func example(_ name: String) -> String { "\(root)/examples/modules/\(name)" }
    static func fixture(_ name: String) -> String { "\(root)/Tests/Fixtures/\(name)" }

    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw TestFailure("cannot read \(path)") }
        return Array(data)
    }

    /// A fresh empty directory under the system temp dir.
    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "wasmhost-test-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

