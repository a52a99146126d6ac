import Foundation
import Glibc

/// Rebuilds the store's index from disk at start-up.
///
/// - Leftover temp files (a crash mid-write) are removed.
/// - A module file whose bytes do not hash to its name is moved to `quarantine/`
///   and logged, never served.
/// - A name pointing at a missing module is removed, and so is a description
///   (`<id>.json`) without its binary.
struct StartupScan {
    let store: ModuleStore

    func run() throws(StoreError) -> ModuleStore.Index {
        var index = ModuleStore.Index()
        var descriptions: [String] = []
        for entry in entries(of: store.modulesDirectory) {
            let path = "\(store.modulesDirectory)/\(entry)"
            if entry.hasPrefix(DurableFile.tempPrefix) {
                unlink(path)
                store.logger.info("removed leftover temp file", metadata: ["file": "\(entry)"])
                continue
            }
            if entry.hasSuffix(".json") { descriptions.append(entry) }
            guard entry.hasSuffix(".wasm") else { continue }
            let id = String(entry.dropLast(5))
            let bytes = try DurableFile.read(path)
            guard ModuleReference.isID(id), ModuleStore.id(of: bytes) == id else {
                quarantine(entry)
                continue
            }
            let created = ModuleStore.modificationTime(of: path)
            index.modules[id] = ModuleRecord(id: id, size: bytes.count, createdAt: created, names: [])
            index.totalBytes += bytes.count
        }
        for entry in descriptions {
            let id = String(entry.dropLast(5))
            let path = "\(store.modulesDirectory)/\(entry)"
            guard index.modules[id] != nil else {
                unlink(path)
                store.logger.info("removed a description without its module", metadata: ["file": "\(entry)"])
                continue
            }
            index.modules[id]?.description = try? DurableFile.read(path)
        }
        for name in entries(of: store.namesDirectory) {
            let path = "\(store.namesDirectory)/\(name)"
            let target = (try? DurableFile.read(path)).map { String(decoding: $0, as: UTF8.self) }
            guard ModuleReference.isValidName(name), let target, index.modules[target] != nil else {
                unlink(path)
                store.logger.info("removed dangling or invalid name", metadata: ["name": "\(name)"])
                continue
            }
            index.names[name] = target
            index.modules[target]?.names.append(name)
        }
        for id in index.modules.keys { index.modules[id]?.names.sort() }
        return index
    }

    private func entries(of directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    private func quarantine(_ entry: String) {
        let destination = "\(store.quarantineDirectory)/\(entry).\(Int(Date().timeIntervalSince1970))"
        rename("\(store.modulesDirectory)/\(entry)", destination)
        store.logger.error(
            "module file does not match its hash; moved to quarantine",
            metadata: ["file": "\(entry)", "quarantine": "\(destination)"])
    }
}
