import WasmKit

/// Conversion between the Sandbox's ``WasmValue`` and WasmKit's `Value`.
enum ValueBridge {
    static func toWasmKit(_ value: WasmValue) -> Value {
        switch value {
        case .i32(let bits): .i32(bits)
        case .i64(let bits): .i64(bits)
        case .f32(let bits): .f32(bits)
        case .f64(let bits): .f64(bits)
        case .v128(let bytes): .v128(V128(bytes: bytes.count == 16 ? bytes : [UInt8](repeating: 0, count: 16)))
        case .ref(.externref, let handle): .ref(.extern(handle))
        case .ref(_, let handle): .ref(.function(handle))
        }
    }

    static func fromWasmKit(_ value: Value) -> WasmValue {
        switch value {
        case .i32(let bits): .i32(bits)
        case .i64(let bits): .i64(bits)
        case .f32(let bits): .f32(bits)
        case .f64(let bits): .f64(bits)
        case .v128(let vector): .v128(vector.bytes)
        case .ref(.function(let handle)): .ref(.funcref, handle)
        case .ref(.extern(let handle)): .ref(.externref, handle)
        case .ref(.exception(let handle)): .ref(.otherRef, handle)
        }
    }
}
