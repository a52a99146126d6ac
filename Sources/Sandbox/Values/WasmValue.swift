import Hex

/// A WebAssembly value, without WasmKit types, as it crosses the Sandbox boundary.
///
/// Integers and floats are kept as raw bit patterns so that nothing is rounded
/// or canonicalised on the way in or out.
public enum WasmValue: Sendable, Hashable {
    case i32(UInt32)
    case i64(UInt64)
    /// IEEE 754 binary32 bit pattern.
    case f32(UInt32)
    /// IEEE 754 binary64 bit pattern.
    case f64(UInt64)
    /// The 16 bytes in memory order.
    case v128([UInt8])
    /// A reference: `nil` is null; otherwise an opaque handle.
    case ref(WasmValueType, Int?)

    /// The value's type.
    public var type: WasmValueType {
        switch self {
        case .i32: .i32
        case .i64: .i64
        case .f32: .f32
        case .f64: .f64
        case .v128: .v128
        case .ref(let type, _): type
        }
    }

    /// The short form used in reentrancy chain labels: integers signed, floats shortest.
    public var label: String {
        switch self {
        case .i32(let bits): String(Int32(bitPattern: bits))
        case .i64(let bits): String(Int64(bitPattern: bits))
        case .f32(let bits): FloatText.format(Float(bitPattern: bits))
        case .f64(let bits): FloatText.format(Double(bitPattern: bits))
        case .v128(let bytes): "0x" + Hex.encode(bytes)
        case .ref(_, let handle): handle.map { "ref:\($0)" } ?? "null"
        }
    }
}

/// Text forms of floats shared by results and labels.
public enum FloatText {
    /// Shortest text that reads back to the same value of its own type;
    /// `nan`, `-nan`, `inf`, `-inf` for the non-finite ones.
    public static func format<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F) -> String {
        if value.isNaN { return value.sign == .minus ? "-nan" : "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return value.description
    }
}
