@_spi(WASIPlatform) import WASI

/// WASI stdio for one invocation: stdin reads the request's bytes, stdout and
/// stderr append to the invocation's capped streams. Nothing touches a file
/// descriptor, so there is no pipe to fill and no way to block the guest.
final class CapturedStdio: WASIFile, @unchecked Sendable {
    // Safety: an instance belongs to one invocation and is only used on the
    // worker thread that runs it (WasmKit calls WASI functions synchronously).
    enum Role { case stdin, stdout, stderr }

    let role: Role
    let streams: CapturedStreams
    private let input: [UInt8]
    private var readOffset = 0

    init(role: Role, streams: CapturedStreams, input: [UInt8] = []) {
        self.role = role
        self.streams = streams
        self.input = input
    }

    var isBorrowed: Bool { true }

    func attributes() throws -> WASIAbi.Filestat {
        WASIAbi.Filestat(dev: 0, ino: 0, filetype: .CHARACTER_DEVICE, nlink: 0, size: 0, atim: 0, mtim: 0, ctim: 0)
    }

    func fileType() throws -> WASIAbi.FileType { .CHARACTER_DEVICE }
    func status() throws -> WASIAbi.Fdflags { [] }
    func setTimes(atim: WASIAbi.Timestamp, mtim: WASIAbi.Timestamp, fstFlags: WASIAbi.FstFlags) throws {}
    func advise(offset: WASIAbi.FileSize, length: WASIAbi.FileSize, advice: WASIAbi.Advice) throws {}
    func close() throws {}

    func fdStat() throws -> WASIAbi.FdStat {
        let rights: WASIAbi.Rights = role == .stdin ? .FD_READ : .FD_WRITE
        return WASIAbi.FdStat(fsFileType: .CHARACTER_DEVICE, fsFlags: [], fsRightsBase: rights, fsRightsInheriting: [])
    }

    func setFdStatFlags(_ flags: WASIAbi.Fdflags) throws {}
    func setFilestatSize(_ size: WASIAbi.FileSize) throws { throw WASIAbi.Errno.ESPIPE }
    func sync() throws {}
    func datasync() throws {}
    func tell() throws -> WASIAbi.FileSize { throw WASIAbi.Errno.ESPIPE }
    func seek(offset: WASIAbi.FileDelta, whence: WASIAbi.Whence) throws -> WASIAbi.FileSize { throw WASIAbi.Errno.ESPIPE }

    func write(vectored buffers: GuestBuffers) throws -> WASIAbi.Size {
        guard role != .stdin else { throw WASIAbi.Errno.EBADF }
        var total = 0
        for index in 0..<buffers.count {
            total += try buffers.withHostBuffer(at: index) { buffer in
                let bytes = UnsafeRawBufferPointer(buffer)
                if role == .stdout {
                    streams.stdout.append(bytes, cap: streams.cap)
                } else {
                    streams.stderr.append(bytes, cap: streams.cap)
                }
                return buffer.count
            }
        }
        // Report everything as written even past the cap, so the guest goes on
        // (and ends) instead of retrying a short write forever.
        return WASIAbi.Size(truncatingIfNeeded: total)
    }

    func pwrite(vectored buffers: GuestBuffers, offset: WASIAbi.FileSize) throws -> WASIAbi.Size {
        throw WASIAbi.Errno.ESPIPE
    }

    func read(into buffers: GuestBuffers) throws -> WASIAbi.Size {
        guard role == .stdin else { throw WASIAbi.Errno.EBADF }
        var total = 0
        for index in 0..<buffers.count {
            let count = try buffers.withHostBuffer(at: index) { buffer in
                let count = min(buffer.count, input.count - readOffset)
                guard count > 0, let base = buffer.baseAddress else { return 0 }
                input.withUnsafeBytes { source in
                    guard let start = source.baseAddress else { return }
                    base.copyMemory(from: start + readOffset, byteCount: count)
                }
                readOffset += count
                return count
            }
            total += count
            if count == 0 { break }
        }
        return WASIAbi.Size(truncatingIfNeeded: total)
    }

    func pread(into buffers: GuestBuffers, offset: WASIAbi.FileSize) throws -> WASIAbi.Size {
        throw WASIAbi.Errno.ESPIPE
    }
}
