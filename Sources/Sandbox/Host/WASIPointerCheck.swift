import WasmKit

/// Checks every guest pointer a WASI call will touch before WasmKitWASI sees it.
///
/// WasmKitWASI 0.4.2 reads and writes guest memory through accessors whose
/// bounds are a `precondition`: an iovec, an out-pointer or a path that leaves
/// linear memory kills the whole process. Each preview 1 function's pointer
/// arguments are listed here; a range outside memory traps the guest with
/// `out of bounds memory access` instead, as `host.*` imports do.
enum WASIPointerCheck {
    enum Region {
        /// `size` bytes at the pointer in argument `pointer`.
        case fixed(pointer: Int, size: UInt64)
        /// A buffer: pointer and length in two arguments.
        case span(pointer: Int, length: Int)
        /// `count` elements of `size` bytes.
        case array(pointer: Int, count: Int, size: UInt64)
        /// An iovec array (8 bytes each) and every buffer it points to.
        case iovecs(pointer: Int, count: Int)
        /// `argv`/`environ` arrays and their string buffers (sizes from the invocation).
        case strings(pointers: Int, buffer: Int)
    }

    static let regions: [String: [Region]] = [
        "args_get": [.strings(pointers: 0, buffer: 1)],
        "args_sizes_get": [.fixed(pointer: 0, size: 4), .fixed(pointer: 1, size: 4)],
        "environ_get": [.strings(pointers: 0, buffer: 1)],
        "environ_sizes_get": [.fixed(pointer: 0, size: 4), .fixed(pointer: 1, size: 4)],
        "clock_res_get": [.fixed(pointer: 1, size: 8)],
        "clock_time_get": [.fixed(pointer: 2, size: 8)],
        "fd_fdstat_get": [.fixed(pointer: 1, size: 24)],
        "fd_filestat_get": [.fixed(pointer: 1, size: 64)],
        "fd_pread": [.iovecs(pointer: 1, count: 2), .fixed(pointer: 4, size: 4)],
        "fd_prestat_dir_name": [.span(pointer: 1, length: 2)],
        "fd_prestat_get": [.fixed(pointer: 1, size: 8)],
        "fd_pwrite": [.iovecs(pointer: 1, count: 2), .fixed(pointer: 4, size: 4)],
        "fd_read": [.iovecs(pointer: 1, count: 2), .fixed(pointer: 3, size: 4)],
        "fd_readdir": [.span(pointer: 1, length: 2), .fixed(pointer: 4, size: 4)],
        "fd_seek": [.fixed(pointer: 3, size: 8)],
        "fd_tell": [.fixed(pointer: 1, size: 8)],
        "fd_write": [.iovecs(pointer: 1, count: 2), .fixed(pointer: 3, size: 4)],
        "path_create_directory": [.span(pointer: 1, length: 2)],
        "path_filestat_get": [.span(pointer: 2, length: 3), .fixed(pointer: 4, size: 64)],
        "path_filestat_set_times": [.span(pointer: 2, length: 3)],
        "path_link": [.span(pointer: 2, length: 3), .span(pointer: 5, length: 6)],
        "path_open": [.span(pointer: 2, length: 3), .fixed(pointer: 8, size: 4)],
        "path_readlink": [.span(pointer: 1, length: 2), .span(pointer: 3, length: 4), .fixed(pointer: 5, size: 4)],
        "path_remove_directory": [.span(pointer: 1, length: 2)],
        "path_rename": [.span(pointer: 1, length: 2), .span(pointer: 4, length: 5)],
        "path_symlink": [.span(pointer: 0, length: 1), .span(pointer: 3, length: 4)],
        "path_unlink_file": [.span(pointer: 1, length: 2)],
        "poll_oneoff": [.array(pointer: 0, count: 2, size: 48), .array(pointer: 1, count: 2, size: 32), .fixed(pointer: 3, size: 4)],
        "random_get": [.span(pointer: 0, length: 1)],
        "sock_accept": [.fixed(pointer: 2, size: 4)],
        "sock_recv": [.iovecs(pointer: 1, count: 2), .fixed(pointer: 4, size: 4), .fixed(pointer: 5, size: 2)],
        "sock_send": [.iovecs(pointer: 1, count: 2), .fixed(pointer: 4, size: 4)],
    ]

    /// Throws `out of bounds memory access` when one of `regions` (the entry of
    /// ``regions`` for the function called) leaves memory.
    static func check(
        _ name: String, regions: [Region], arguments: [Value], caller: borrowing Caller, wasi: WASIOptions
    ) throws {
        let memory = caller.instance?.exports[memory: "memory"]
        let size = UInt64(memory?.byteCount ?? 0)
        func word(_ index: Int) -> UInt64 {
            guard index < arguments.count, case .i32(let value) = arguments[index] else { return .max }
            return UInt64(value)
        }
        func inside(_ start: UInt64, _ length: UInt64) throws {
            guard start <= size, length <= size - start else { throw HostTrap("out of bounds memory access") }
        }
        for region in regions {
            switch region {
            case .fixed(let pointer, let bytes):
                try inside(word(pointer), bytes)
            case .span(let pointer, let length):
                try inside(word(pointer), word(length))
            case .array(let pointer, let count, let bytes):
                let (total, overflow) = word(count).multipliedReportingOverflow(by: bytes)
                try inside(word(pointer), overflow ? .max : total)
            case .iovecs(let pointer, let count):
                let start = word(pointer)
                let (total, overflow) = word(count).multipliedReportingOverflow(by: 8)
                try inside(start, overflow ? .max : total)
                guard let memory, total > 0 else { continue }
                // Each iovec is (buf: u32, len: u32), little-endian.
                try memory.withUnsafeBufferPointer(offset: UInt(start), count: Int(total)) { raw in
                    for entry in 0..<Int(total / 8) {
                        let buffer = raw.loadUnaligned(fromByteOffset: entry * 8, as: UInt32.self).littleEndian
                        let length = raw.loadUnaligned(fromByteOffset: entry * 8 + 4, as: UInt32.self).littleEndian
                        try inside(UInt64(buffer), UInt64(length))
                    }
                }
            case .strings(let pointers, let buffer):
                let strings = name == "args_get"
                    ? (wasi.args ?? []) : wasi.environment.map { "\($0.key)=\($0.value)" }
                try inside(word(pointers), UInt64(strings.count) * 4)
                try inside(word(buffer), UInt64(strings.reduce(0) { $0 + $1.utf8.count + 1 }))
            }
        }
    }
}
