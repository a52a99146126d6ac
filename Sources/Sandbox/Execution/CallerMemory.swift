import WasmKit

/// Bounds-checked access to the calling guest's exported `memory`.
/// A bad pointer or length traps with `out of bounds memory access`.
struct CallerMemory: GuestBytes {
    let memory: Memory?

    init(_ caller: borrowing Caller) {
        memory = caller.instance?.exports[memory: "memory"]
    }

    private func range(_ pointer: Value, _ length: Value) throws -> Range<Int> {
        guard let memory, case .i32(let start) = pointer, case .i32(let count) = length else {
            throw HostTrap("out of bounds memory access")
        }
        let end = UInt64(start) + UInt64(count)
        guard end <= UInt64(memory.byteCount) else { throw HostTrap("out of bounds memory access") }
        return Int(start)..<Int(end)
    }

    /// Lends the bytes at [pointer, pointer+length) to `body`.
    func read(_ pointer: Value, _ length: Value, _ body: (UnsafeRawBufferPointer) -> Void) throws {
        let bounds = try range(pointer, length)
        // WasmKit's accessors require a non-empty memory; an empty range needs none.
        guard !bounds.isEmpty else { return body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        memory?.withUnsafeMutableBufferPointer(offset: UInt(bounds.lowerBound), count: bounds.count) {
            body(UnsafeRawBufferPointer($0))
        }
    }


    /// Copies up to `limit` bytes of `bytes` to `pointer`; returns the count.
    func write(_ bytes: [UInt8], at pointer: Value, limit: Value) throws -> Int {
        guard case .i32(let requested) = limit else { throw HostTrap("out of bounds memory access") }
        let count = min(Int(requested), bytes.count)
        let bounds = try range(pointer, .i32(UInt32(count)))
        guard count > 0 else { return 0 }
        memory?.withUnsafeMutableBufferPointer(offset: UInt(bounds.lowerBound), count: count) { target in
            bytes.withUnsafeBytes { source in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source.prefix(count)))
            }
        }
        return count
    }
}

/// A guest's memory as host functions read it, on either engine.
protocol GuestBytes {
    associatedtype Word
    /// Lends the bytes at [pointer, pointer+length) to `body`; traps when out of bounds.
    func read(_ pointer: Word, _ length: Word, _ body: (UnsafeRawBufferPointer) -> Void) throws
}

extension GuestBytes {
    /// The UTF-8 text at [pointer, pointer+length); invalid sequences are replaced.
    func string(_ pointer: Word, _ length: Word) throws -> String {
        var text = ""
        try read(pointer, length) { text = String(decoding: $0, as: UTF8.self) }
        return text
    }
}
