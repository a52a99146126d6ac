import Foundation
import Logging
@testable import ModuleStore

/// A fresh store directory under the system temp dir; tests remove it with
/// `defer { directory.remove() }`, which also keeps it alive for the whole test.
final class TemporaryDirectory: Sendable {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "wasmhost-store-test-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// Opens (or reopens, which runs the start-up scan) a store over this directory.
    func open(maxTotalBytes: Int = 0) throws -> ModuleStore {
        try ModuleStore(dataDirectory: path, maxTotalBytes: maxTotalBytes, logger: Logger(label: "test.store"))
    }

    func files(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "\(path)/\(folder)")) ?? []).sorted()
    }

    func write(_ bytes: [UInt8], to relativePath: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: "\(path)/\(relativePath)"))
    }

    func read(_ relativePath: String) -> [UInt8]? {
        FileManager.default.contents(atPath: "\(path)/\(relativePath)").map { Array($0) }
    }
}

/// Distinct byte strings standing in for module binaries (the store does not validate);
/// `size` is at least 12.
func moduleBytes(_ seed: Int, size: Int = 16) -> [UInt8] {
    var bytes: [UInt8] = [0x00, 0x61, 0x73, 0x6D]
    withUnsafeBytes(of: UInt64(seed).littleEndian) { bytes += $0 }
    while bytes.count < size { bytes.append(UInt8(truncatingIfNeeded: bytes.count)) }
    return bytes
}
