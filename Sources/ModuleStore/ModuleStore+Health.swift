import Glibc

/// The state of the store's directory, as `/readyz` reports it.
public struct StoreHealth: Sendable, Equatable {
    /// `ok`, `read_only`, `full` or `unavailable`.
    public let state: String
    /// What is wrong, naming the errno; `nil` when `ok`.
    public let detail: String?

    static let ok = StoreHealth(state: "ok", detail: nil)
}

extension ModuleStore {
    /// Checks that the store can be written, recreating missing directories
    /// first. A few system calls: cheap enough for a readiness probe.
    public func health() -> StoreHealth {
        if directoriesMissing() {
            do {
                try writer.withLock { _ throws(StoreError) in try recreateDirectories() }
            } catch {
                return StoreHealth(state: "unavailable", detail: "\(error)")
            }
        }
        if access(modulesDirectory, W_OK) != 0 || access(namesDirectory, W_OK) != 0 {
            let code = errno
            let state = code == EROFS ? "read_only" : "unavailable"
            return StoreHealth(state: state, detail: DurableFile.failure("write", code).message)
        }
        var space = statvfs()
        if statvfs(modulesDirectory, &space) == 0 && (space.f_bavail == 0 || (space.f_files > 0 && space.f_favail == 0)) {
            return StoreHealth(state: "full", detail: "the module store's disk has no free \(space.f_bavail == 0 ? "blocks" : "inodes")")
        }
        return .ok
    }

    func createDirectories() throws(StoreError) {
        for directory in [dataDirectory, modulesDirectory, namesDirectory, quarantineDirectory] {
            if mkdir(directory, 0o755) != 0 && errno != EEXIST {
                throw DurableFile.failure("create its directory", errno)
            }
        }
    }

    func directoriesMissing() -> Bool {
        [modulesDirectory, namesDirectory, quarantineDirectory].contains(where: Self.isMissing)
    }

    private static func isMissing(_ path: String) -> Bool { access(path, F_OK) != 0 && errno == ENOENT }

    /// Runs a write; when it fails because a directory was removed underneath
    /// the store, recreates the directories, forgets what went with them, and
    /// runs it once more. Call with the writer lock held.
    func recoveringMissingDirectories<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch {
            guard directoriesMissing() else { throw error }
            try recreateDirectories()
            return try body()
        }
    }

    /// Recreates missing directories. Modules and names whose directory vanished
    /// are gone from disk, so they leave the index too. Call with the writer lock held.
    func recreateDirectories() throws(StoreError) {
        let modulesGone = access(modulesDirectory, F_OK) != 0
        let namesGone = access(namesDirectory, F_OK) != 0
        try createDirectories()
        if modulesGone {
            // The new directory is empty: the scan only drops the names that now dangle.
            let scanned = try StartupScan(store: self).run()
            index.withLock { $0 = scanned }
        } else if namesGone {
            index.withLock { index in
                index.names = [:]
                for id in index.modules.keys { index.modules[id]?.names = [] }
            }
        }
        logger.warning("store directories were missing and are recreated", metadata: [
            "modules_lost": "\(modulesGone)", "names_lost": "\(modulesGone || namesGone)",
        ])
    }
}

extension StoreError {
    /// The client-safe message.
    public var message: String {
        switch self {
        case .storageFull(let text), .unavailable(let text), .io(let text, _): text
        case .invalidName(let name): "invalid name '\(name)'"
        case .notFound(let ref): "no module '\(ref)'"
        }
    }
}
