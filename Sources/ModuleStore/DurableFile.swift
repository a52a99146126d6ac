import Glibc

/// Crash-safe file writes: temp file, fsync, rename, fsync of the directory.
enum DurableFile {
    /// Prefix of temp files; anything with it is debris of a crash and removed at start.
    static let tempPrefix = ".tmp-"

    /// Writes `bytes` to `directory/name` so that after return the file is
    /// either wholly there (and survives power loss) or not there at all.
    static func write(_ bytes: [UInt8], to name: String, in directory: String) throws(StoreError) {
        let temp = "\(directory)/\(tempPrefix)\(name).\(getpid()).\(UInt64.random(in: 0...UInt64.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("create", errno) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress.map { $0 + written }, bytes.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                unlink(temp)
                throw failure("write", code)
            }
            written += count
        }
        if fsync(fd) != 0 {
            let code = errno
            close(fd)
            unlink(temp)
            throw failure("fsync", code)
        }
        close(fd)
        guard rename(temp, "\(directory)/\(name)") == 0 else {
            let code = errno
            unlink(temp)
            throw failure("rename", code)
        }
        try syncDirectory(directory)
    }

    /// Removes `directory/name` durably; a missing file is not an error.
    static func remove(_ name: String, in directory: String) throws(StoreError) {
        if unlink("\(directory)/\(name)") != 0 && errno != ENOENT { throw failure("unlink", errno) }
        try syncDirectory(directory)
    }

    static func syncDirectory(_ directory: String) throws(StoreError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open directory", errno) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw failure("fsync directory", errno) }
    }

    /// Reads a whole file.
    static func read(_ path: String) throws(StoreError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw errno == ENOENT ? .notFound(path) : failure("open", errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("stat", errno) }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var total = 0
        while total < bytes.count {
            let count = bytes.withUnsafeMutableBytes { raw in
                Glibc.read(fd, raw.baseAddress.map { $0 + total }, raw.count - total)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            total += count
        }
        if total < bytes.count { bytes.removeLast(bytes.count - total) }
        return bytes
    }

    static func failure(_ operation: String, _ code: Int32) -> StoreError {
        if code == ENOSPC || code == EDQUOT { return .storageFull("the module store's disk is full") }
        return .io("\(operation) failed: \(String(cString: strerror(code)))")
    }
}
