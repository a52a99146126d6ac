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
        guard fd >= 0 else { throw failure("create a file", errno) }
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
        guard fd >= 0 else { throw failure("open a directory", errno) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw failure("sync a directory", errno) }
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

    /// The store's error for a failed system call: a full disk is `storageFull`,
    /// faults of the file system or its permissions are `unavailable`; both name
    /// the errno, never a path.
    static func failure(_ operation: String, _ code: Int32) -> StoreError {
        let cause = "\(errnoName(code)): \(String(cString: strerror(code)))"
        switch code {
        case ENOSPC, EDQUOT:
            return .storageFull("the module store's disk is full (\(cause))")
        case EROFS:
            return .unavailable("the module store's file system is read-only (\(cause))")
        case ENOENT, ENOTDIR:
            return .unavailable("the module store's directory is missing (\(cause))")
        case EACCES, EPERM, EIO, EMFILE, ENFILE, ENOMEM, EBUSY:
            return .unavailable("the module store cannot \(operation) (\(cause))")
        default:
            return .io("the module store cannot \(operation)", cause: .errno(code, operation: operation))
        }
    }

    static func errnoName(_ code: Int32) -> String {
        switch code {
        case ENOSPC: "ENOSPC"
        case EDQUOT: "EDQUOT"
        case EROFS: "EROFS"
        case ENOENT: "ENOENT"
        case ENOTDIR: "ENOTDIR"
        case EACCES: "EACCES"
        case EPERM: "EPERM"
        case EIO: "EIO"
        case EMFILE: "EMFILE"
        case ENFILE: "ENFILE"
        case ENOMEM: "ENOMEM"
        case EBUSY: "EBUSY"
        default: "errno \(code)"
        }
    }
}

extension DurableFile {
    /// Removes `directory/name` on a failure path, where a second error would
    /// hide the first: best effort, then a sync of the directory.
    static func discard(_ name: String, in directory: String) {
        unlink("\(directory)/\(name)")
        try? syncDirectory(directory)
    }
}
