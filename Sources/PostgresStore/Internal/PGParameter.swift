/// A bound statement parameter: text, binary bytes (`bytea`), or SQL NULL.
/// SQL never contains a value: every value travels as one of these.
enum PGParameter: Sendable {
    case text(String)
    case binary([UInt8])
    case null

    /// `bytes` as `bytea`, or NULL when there are none.
    static func binary(orNull bytes: [UInt8]?) -> PGParameter {
        bytes.map { .binary($0) } ?? .null
    }

    /// Lays the parameters out as libpq wants them (values, lengths, formats)
    /// for the duration of `body`.
    static func withBound<R>(
        _ parameters: [PGParameter],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> R
    ) -> R {
        var buffers: [UnsafeMutableRawBufferPointer] = []
        defer { buffers.forEach { $0.deallocate() } }
        var values: [UnsafePointer<CChar>?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        for parameter in parameters {
            let bytes: [UInt8]
            switch parameter {
            case .text(let text): bytes = Array(text.utf8) + [0]
            case .binary(let data): bytes = data
            case .null:
                // libpq reads a null value pointer as SQL NULL.
                values.append(nil)
                lengths.append(0)
                formats.append(0)
                continue
            }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, bytes.count), alignment: 1)
            buffer.copyBytes(from: bytes)
            buffers.append(buffer)
            values.append(UnsafePointer(buffer.baseAddress?.assumingMemoryBound(to: CChar.self)))
            if case .binary = parameter {
                lengths.append(Int32(bytes.count))
                formats.append(1)
            } else {
                lengths.append(0)
                formats.append(0)
            }
        }
        return values.withUnsafeBufferPointer { valuePointers in
            lengths.withUnsafeBufferPointer { lengthPointers in
                formats.withUnsafeBufferPointer { formatPointers in
                    body(valuePointers.baseAddress, lengthPointers.baseAddress, formatPointers.baseAddress)
                }
            }
        }
    }
}
