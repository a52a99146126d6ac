#if WASMHOST_WASMTIME
import Crypto
import Foundation

/// Compiled Wasmtime code kept on disk, so that a restart deserializes a
/// module (about 0.1 ms) instead of compiling it again (tens of ms).
///
/// One file per module id, Wasmtime version and engine settings:
/// `<id>-wasmtime-<version>-<settings>.cwasm`, holding an HMAC-SHA256 of the
/// code and then the code. The key is a random secret this data directory
/// keeps (`artifact.key`, mode 0600), so only files this daemon (or another
/// daemon of the same data directory) wrote are ever deserialized: a file that
/// fails its check, is cut short or comes from another version is recompiled,
/// never loaded. Deserializing is as trusted as running native code, which is
/// why the check is a keyed MAC, not a plain checksum.
struct ArtifactStore: Sendable {
    let directory: String
    private let key: SymmetricKey
    private let tag: String

    /// Opens (creating) `directory`; `nil` when it cannot be used, and then
    /// every module is compiled at load.
    init?(directory: String, settingsTag: String) {
        let files = FileManager.default
        guard (try? files.createDirectory(atPath: directory, withIntermediateDirectories: true)) != nil,
            let key = Self.loadKey(at: directory + "/artifact.key")
        else { return nil }
        self.directory = directory
        self.key = key
        tag = "wasmtime-\(WasmtimeEngine.version)-\(settingsTag)"
    }

    private func path(for id: String) -> String { "\(directory)/\(id)-\(tag).cwasm" }

    /// The artifact of `id` when its MAC checks; a bad one is removed.
    func load(id: String) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: path(for: id)) else { return nil }
        let bytes = [UInt8](data)
        let macLength = SHA256.byteCount
        guard bytes.count > macLength,
            HMAC<SHA256>.isValidAuthenticationCode(bytes[..<macLength], authenticating: bytes[macLength...], using: key)
        else {
            try? FileManager.default.removeItem(atPath: path(for: id))
            return nil
        }
        return Array(bytes[macLength...])
    }

    /// Writes `code` for `id` atomically (temporary file, then rename); best effort.
    func save(id: String, code: [UInt8]) {
        let mac = Array(HMAC<SHA256>.authenticationCode(for: code, using: key))
        let temporary = "\(directory)/.\(id)-\(UUID().uuidString).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(mac + code)) else { return }
        if rename(temporary, path(for: id)) != 0 { try? FileManager.default.removeItem(atPath: temporary) }
    }

    /// Removes the artifact of `id` (after a delete).
    func remove(id: String) {
        try? FileManager.default.removeItem(atPath: path(for: id))
    }

    /// The directory's secret, created on first use (0600).
    private static func loadKey(at path: String) -> SymmetricKey? {
        if let data = FileManager.default.contents(atPath: path), data.count == 32 {
            return SymmetricKey(data: data)
        }
        let key = SymmetricKey(size: .bits256)
        let bytes = key.withUnsafeBytes { Data($0) }
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: bytes, attributes: [.posixPermissions: 0o600]),
            rename(temporary, path) == 0
        else { return nil }
        // Another process may have won the race: use what is on disk.
        guard let data = FileManager.default.contents(atPath: path), data.count == 32 else { return nil }
        return SymmetricKey(data: data)
    }
}
#endif
