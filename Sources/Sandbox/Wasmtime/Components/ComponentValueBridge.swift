#if WASMHOST_WASMTIME
import CWasmtime

/// ``ComponentValue`` ⇄ Wasmtime's `wasmtime_component_val_t`.
///
/// Lowered values own memory that Wasmtime allocated (strings, lists, payload
/// boxes); the caller frees each with `wasmtime_component_val_delete`, which
/// frees the whole tree. Lifting only reads.
enum ComponentValueBridge {
    /// Thrown when a value does not fit its type; the Service checks values
    /// against their types first, so this only guards against a mismatch.
    struct Mismatch: Error {}

    /// `value` as a C value of `type`.
    static func lower(_ value: ComponentValue, as type: WITType) throws(Mismatch) -> wasmtime_component_val_t {
        var out = wasmtime_component_val_t()
        switch (value, type) {
        case (.bool(let flag), .bool): set(&out, WASMHOST_CV_BOOL) { $0.boolean = flag }
        case (.signed(let number), .s8): set(&out, WASMHOST_CV_S8) { $0.s8 = Int8(truncatingIfNeeded: number) }
        case (.signed(let number), .s16): set(&out, WASMHOST_CV_S16) { $0.s16 = Int16(truncatingIfNeeded: number) }
        case (.signed(let number), .s32): set(&out, WASMHOST_CV_S32) { $0.s32 = Int32(truncatingIfNeeded: number) }
        case (.signed(let number), .s64): set(&out, WASMHOST_CV_S64) { $0.s64 = number }
        case (.unsigned(let number), .u8): set(&out, WASMHOST_CV_U8) { $0.u8 = UInt8(truncatingIfNeeded: number) }
        case (.unsigned(let number), .u16): set(&out, WASMHOST_CV_U16) { $0.u16 = UInt16(truncatingIfNeeded: number) }
        case (.unsigned(let number), .u32): set(&out, WASMHOST_CV_U32) { $0.u32 = UInt32(truncatingIfNeeded: number) }
        case (.unsigned(let number), .u64): set(&out, WASMHOST_CV_U64) { $0.u64 = number }
        case (.f32(let bits), .f32): set(&out, WASMHOST_CV_F32) { $0.f32 = Float(bitPattern: bits) }
        case (.f64(let bits), .f64): set(&out, WASMHOST_CV_F64) { $0.f64 = Double(bitPattern: bits) }
        case (.char(let scalar), .char): set(&out, WASMHOST_CV_CHAR) { $0.character = scalar.value }
        case (.string(let text), .string): set(&out, WASMHOST_CV_STRING) { $0.string = name(text) }
        case (.enumeration(let text), .enumeration): set(&out, WASMHOST_CV_ENUM) { $0.enumeration = name(text) }
        case (.list(let elements), .list(let element)):
            var list = wasmtime_component_vallist_t()
            wasmtime_component_vallist_new_uninit(&list, elements.count)
            set(&out, WASMHOST_CV_LIST) { $0.list = list }
            try fill(list.data, elements, types: { _ in element }, owner: &out)
        case (.tuple(let elements), .tuple(let types)) where elements.count == types.count:
            var tuple = wasmtime_component_valtuple_t()
            wasmtime_component_valtuple_new_uninit(&tuple, elements.count)
            set(&out, WASMHOST_CV_TUPLE) { $0.tuple = tuple }
            try fill(tuple.data, elements, types: { types[$0] }, owner: &out)
        case (.record(let values), .record(let fields)) where values.count == fields.count:
            var record = wasmtime_component_valrecord_t()
            wasmtime_component_valrecord_new_uninit(&record, values.count)
            for index in values.indices {
                record.data[index].name = name(fields[index].name)
                record.data[index].val = placeholder
            }
            set(&out, WASMHOST_CV_RECORD) { $0.record = record }
            for index in values.indices {
                // On a mismatch `out` is freed whole: every entry is valid from the start.
                do { record.data[index].val = try lower(values[index], as: fields[index].type) } catch {
                    wasmtime_component_val_delete(&out)
                    throw error
                }
            }
        case (.variant(let caseName, let payload), .variant(let cases)):
            guard let match = cases.first(where: { $0.name == caseName }) else { throw Mismatch() }
            let boxed = try box(payload, as: match.payload)
            set(&out, WASMHOST_CV_VARIANT) {
                $0.variant = wasmtime_component_valvariant_t(discriminant: name(caseName), val: boxed)
            }
        case (.option(let payload), .option(let element)):
            let boxed = try box(payload, as: payload == nil ? nil : element)
            set(&out, WASMHOST_CV_OPTION) { $0.option = boxed }
        case (.result(let isOk, let payload), .result(let ok, let err)):
            let boxed = try box(payload, as: isOk ? ok : err)
            set(&out, WASMHOST_CV_RESULT) { $0.result = wasmtime_component_valresult_t(is_ok: isOk, val: boxed) }
        case (.flags(let names), .flags):
            var flags = wasmtime_component_valflags_t()
            wasmtime_component_valflags_new_uninit(&flags, names.count)
            for (index, flag) in names.enumerated() { flags.data[index] = name(flag) }
            set(&out, WASMHOST_CV_FLAGS) { $0.flags = flags }
        default:
            throw Mismatch()
        }
        return out
    }

    /// A C value as a ``ComponentValue``.
    static func lift(_ value: wasmtime_component_val_t) -> ComponentValue {
        let of = value.of
        switch Int(value.kind) {
        case WASMHOST_CV_BOOL: return .bool(of.boolean)
        case WASMHOST_CV_S8: return .signed(Int64(of.s8))
        case WASMHOST_CV_S16: return .signed(Int64(of.s16))
        case WASMHOST_CV_S32: return .signed(Int64(of.s32))
        case WASMHOST_CV_S64: return .signed(of.s64)
        case WASMHOST_CV_U8: return .unsigned(UInt64(of.u8))
        case WASMHOST_CV_U16: return .unsigned(UInt64(of.u16))
        case WASMHOST_CV_U32: return .unsigned(UInt64(of.u32))
        case WASMHOST_CV_U64: return .unsigned(of.u64)
        case WASMHOST_CV_F32: return .f32(of.f32.bitPattern)
        case WASMHOST_CV_F64: return .f64(of.f64.bitPattern)
        case WASMHOST_CV_CHAR: return .char(Unicode.Scalar(of.character) ?? "\u{FFFD}")
        case WASMHOST_CV_STRING: return .string(WasmtimeBytes.string(of.string, keepingNUL: true))
        case WASMHOST_CV_ENUM: return .enumeration(WasmtimeBytes.string(of.enumeration, keepingNUL: true))
        case WASMHOST_CV_LIST: return .list(elements(of.list.data, of.list.size))
        case WASMHOST_CV_TUPLE: return .tuple(elements(of.tuple.data, of.tuple.size))
        case WASMHOST_CV_RECORD:
            guard let data = of.record.data else { return .record([]) }
            return .record((0..<of.record.size).map { lift(data[$0].val) })
        case WASMHOST_CV_VARIANT:
            return .variant(
                name: WasmtimeBytes.string(of.variant.discriminant, keepingNUL: true), payload: of.variant.val.map { lift($0.pointee) })
        case WASMHOST_CV_OPTION: return .option(of.option.map { lift($0.pointee) })
        case WASMHOST_CV_RESULT: return .result(isOk: of.result.is_ok, payload: of.result.val.map { lift($0.pointee) })
        case WASMHOST_CV_FLAGS:
            guard let data = of.flags.data else { return .flags([]) }
            return .flags((0..<of.flags.size).map { WasmtimeBytes.string(data[$0], keepingNUL: true) })
        default:
            // Resources never reach here: functions that use them are not callable.
            return .bool(false)
        }
    }

    /// A placeholder that owns nothing, so a partly built tree can be freed.
    private static var placeholder: wasmtime_component_val_t {
        var value = wasmtime_component_val_t()
        value.kind = wasmtime_component_valkind_t(WASMHOST_CV_BOOL)
        return value
    }

    private static func set(
        _ out: inout wasmtime_component_val_t, _ kind: Int, _ body: (inout wasmtime_component_valunion_t) -> Void
    ) {
        out.kind = wasmtime_component_valkind_t(kind)
        body(&out.of)
    }

    /// Lowers `values` into `data`, which `owner` owns; on a mismatch frees `owner` whole
    /// (every element is a valid placeholder until it is written).
    private static func fill(
        _ data: UnsafeMutablePointer<wasmtime_component_val_t>?, _ values: [ComponentValue], types: (Int) -> WITType,
        owner: inout wasmtime_component_val_t
    ) throws(Mismatch) {
        guard let data else { return }
        for index in values.indices { data[index] = placeholder }
        for index in values.indices {
            do { data[index] = try lower(values[index], as: types(index)) } catch {
                wasmtime_component_val_delete(&owner)
                throw error
            }
        }
    }

    /// A payload moved into a Wasmtime-owned box, or nil without one.
    private static func box(_ payload: ComponentValue?, as type: WITType?) throws(Mismatch) -> UnsafeMutablePointer<wasmtime_component_val_t>? {
        switch (payload, type) {
        case (nil, _): return nil
        case (let payload?, let type?):
            var value = try lower(payload, as: type)
            return wasmtime_component_val_new(&value)
        case (.some, nil): throw Mismatch()
        }
    }

    private static func elements(_ data: UnsafeMutablePointer<wasmtime_component_val_t>?, _ count: Int) -> [ComponentValue] {
        guard let data else { return [] }
        return (0..<count).map { lift(data[$0]) }
    }

    /// A Wasmtime-owned copy of `text`'s UTF-8 bytes.
    static func name(_ text: String) -> wasm_name_t {
        var bytes = wasm_byte_vec_t()
        var copy = text
        copy.withUTF8 { wasm_byte_vec_new(&bytes, $0.count, $0.baseAddress) }
        return bytes
    }
}
#endif
