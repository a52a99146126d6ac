import Foundation

/// One corpus entry: bytes plus where they came from (for crash reports).
struct Seed {
    let bytes: [UInt8]
    let origin: String
}

/// Loads seed inputs from files and directories.
enum Corpus {
    /// Extensions that are never inputs (sources, notes, crash reports).
    static let skipped: Set<String> = ["c", "md", "txt", "sh", "py", "json", "log", "swift"]

    /// Every input file under `paths` (recursively), sorted for a stable order.
    static func files(_ paths: [String]) -> [String] {
        var found: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                FileHandle.standardError.write(Data("wasmhost-fuzz: no such file or directory: \(path)\n".utf8))
                continue
            }
            if !isDirectory.boolValue {
                found.append(path)
                continue
            }
            guard let walker = manager.enumerator(atPath: path) else { continue }
            var inside: [String] = []
            for case let relative as String in walker {
                let full = path + "/" + relative
                var isDir: ObjCBool = false
                guard manager.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue else { continue }
                let name = (relative as NSString).lastPathComponent
                let ext = (name as NSString).pathExtension.lowercased()
                if name.hasPrefix(".") || skipped.contains(ext) { continue }
                inside.append(full)
            }
            found += inside.sorted()
        }
        return found
    }

    static func read(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { Array($0) }
    }

    /// Seeds from `paths`; a WAT file also gives its assembled binary (the upload
    /// path assembles text, so both forms are what a client can send).
    static func load(_ paths: [String], assemble: ([UInt8]) -> [UInt8]?) -> [Seed] {
        var seeds: [Seed] = []
        for path in files(paths) {
            guard let bytes = read(path) else { continue }
            seeds.append(Seed(bytes: bytes, origin: path))
            if path.hasSuffix(".wat"), let binary = assemble(bytes) {
                seeds.append(Seed(bytes: binary, origin: path + " (assembled)"))
            }
        }
        return seeds
    }

    /// Up to `count` spec-suite modules spread evenly over the suite.
    static func spec(directory: String, count: Int) -> [Seed] {
        guard count > 0 else { return [] }
        let all = files([directory]).filter { $0.hasSuffix(".wasm") }
        guard !all.isEmpty else { return [] }
        let step = max(1, all.count / count)
        return stride(from: 0, to: all.count, by: step).prefix(count).compactMap { index in
            read(all[index]).map { Seed(bytes: $0, origin: all[index]) }
        }
    }

    /// The spec suite beside the repository (CI lays `shared/` next to the clone).
    static func defaultSpecDirectory(repository: String) -> String? {
        for candidate in [repository + "/../shared/spec/json", "/work/shared/spec/json"]
        where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        return nil
    }
}
