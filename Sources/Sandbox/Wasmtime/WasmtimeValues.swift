#if WASMHOST_WASMTIME
import CWasmtime

/// Conversion between the Sandbox's ``WasmValue`` and `wasmtime_val_t`.
/// Floats and vectors move as raw bytes, so no NaN payload is canonicalised.
enum WasmtimeValues {
    static func toWasmtime(_ value: WasmValue) -> wasmtime_val_t {
        var raw = wasmtime_val_t()
        switch value {
        case .i32(let bits): raw.kind = wasmtime_valkind_t(WASMHOST_VAL_I32); store(bits, in: &raw)
        case .i64(let bits): raw.kind = wasmtime_valkind_t(WASMHOST_VAL_I64); store(bits, in: &raw)
        case .f32(let bits): raw.kind = wasmtime_valkind_t(WASMHOST_VAL_F32); store(bits, in: &raw)
        case .f64(let bits): raw.kind = wasmtime_valkind_t(WASMHOST_VAL_F64); store(bits, in: &raw)
        case .v128(let bytes):
            raw.kind = wasmtime_valkind_t(WASMHOST_VAL_V128)
            withUnsafeMutableBytes(of: &raw.of) { union in
                for (index, byte) in bytes.prefix(16).enumerated() { union[index] = byte }
            }
        // Arguments are always null references (API.md): a zeroed handle is null.
        case .ref(.externref, _): raw.kind = wasmtime_valkind_t(WASMHOST_VAL_EXTERNREF)
        case .ref(_, _): raw.kind = wasmtime_valkind_t(WASMHOST_VAL_FUNCREF)
        }
        return raw
    }

    static func fromWasmtime(_ raw: wasmtime_val_t) -> WasmValue {
        switch Int(raw.kind) {
        case WASMHOST_VAL_I32: return .i32(load(raw))
        case WASMHOST_VAL_I64: return .i64(load(raw))
        case WASMHOST_VAL_F32: return .f32(load(raw))
        case WASMHOST_VAL_F64: return .f64(load(raw))
        case WASMHOST_VAL_V128: return .v128(withUnsafeBytes(of: raw.of) { Array($0.prefix(16)) })
        case WASMHOST_VAL_FUNCREF: return .ref(.funcref, handle(raw))
        case WASMHOST_VAL_EXTERNREF: return .ref(.externref, handle(raw))
        default: return .ref(.otherRef, handle(raw))
        }
    }

    /// A reference's opaque handle, `nil` when null (a zero store id).
    private static func handle(_ raw: wasmtime_val_t) -> Int? {
        withUnsafeBytes(of: raw.of) { union in
            guard union.load(fromByteOffset: 0, as: UInt64.self) != 0 else { return nil }
            return Int(truncatingIfNeeded: union.load(fromByteOffset: 8, as: UInt64.self))
        }
    }

    private static func store<T: FixedWidthInteger>(_ bits: T, in raw: inout wasmtime_val_t) {
        withUnsafeMutableBytes(of: &raw.of) { $0.storeBytes(of: bits, as: T.self) }
    }

    private static func load<T: FixedWidthInteger>(_ raw: wasmtime_val_t) -> T {
        withUnsafeBytes(of: raw.of) { $0.load(as: T.self) }
    }
}
#endif
