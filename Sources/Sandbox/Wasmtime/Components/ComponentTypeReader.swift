#if WASMHOST_WASMTIME
import CWasmtime

/// Reads a compiled component's type (Wasmtime's `wasmtime_component_type_t`)
/// into a ``ComponentDescription``: its functions with WIT types, the nominal
/// types it names (type exports at the top level and in exported interfaces),
/// and the names of its imports.
///
/// Every handle the C API gives out here is owned by the reader and freed before
/// it returns.
struct ComponentTypeReader {
    private let engine: OpaquePointer
    /// Resource types seen, with their WIT names; freed by ``finish()``.
    private var resources: [(name: String, type: OpaquePointer)] = []
    private var functions: [ComponentDescription.Function] = []
    private var types: [ComponentDescription.NamedType] = []
    private var imports: [String] = []
    private var interfaces: [String] = []

    /// Describes `component`, compiled by `engine`.
    static func describe(_ component: OpaquePointer, engine: OpaquePointer) -> ComponentDescription {
        var reader = ComponentTypeReader(engine: engine)
        guard let type = wasmtime_component_type(component) else {
            return ComponentDescription(functions: [], types: [], imports: [], exportedInterfaces: [])
        }
        defer { wasmtime_component_type_delete(type) }
        reader.readImports(type)
        // Resources and types first, so that functions can name them.
        let exports = reader.items(count: wasmtime_component_type_export_count(type, engine)) {
            wasmtime_component_type_export_nth(type, engine, $0, $1, $2, $3)
        }
        for (name, item) in exports { reader.collectNames(item, name: name, interface: nil) }
        for (name, item) in exports { reader.collectFunctions(item, name: name) }
        for (_, item) in exports { reader.release(item) }
        return reader.finish()
    }

    private init(engine: OpaquePointer) { self.engine = engine }

    private mutating func readImports(_ type: OpaquePointer) {
        let entries = items(count: wasmtime_component_type_import_count(type, engine)) {
            wasmtime_component_type_import_nth(type, engine, $0, $1, $2, $3)
        }
        for (name, item) in entries {
            imports.append(name)
            // Imported interfaces define resources their functions use (wasi:io's streams).
            collectNames(item, name: name, interface: name, importing: true)
            release(item)
        }
    }

    /// The `count` entries an `nth` accessor gives, as (name, item) pairs.
    private func items(
        count: Int,
        nth: (Int, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafeMutablePointer<Int>, UnsafeMutablePointer<OpaquePointer?>) -> Bool
    ) -> [(String, wasmtime_component_item_t)] {
        var entries: [(String, wasmtime_component_item_t)] = []
        for index in 0..<count {
            var namePointer: UnsafePointer<CChar>?
            var nameLength = 0
            var external: OpaquePointer?
            guard nth(index, &namePointer, &nameLength, &external), let external else { continue }
            let name = Self.string(namePointer, nameLength)
            var item = wasmtime_component_item_t()
            wasmtime_component_extern_type(external, &item)
            wasmtime_component_extern_delete(external)
            entries.append((name, item))
        }
        return entries
    }

    /// Records the resources and nominal types an item defines (inside an instance, too).
    /// Imports only lend their resource names: their other types are not the component's own.
    private mutating func collectNames(
        _ item: wasmtime_component_item_t, name: String, interface: String?, importing: Bool = false
    ) {
        switch Int(item.kind) {
        case WASMHOST_CITEM_RESOURCE:
            if let resource = item.of.resource, let copy = Self.cloneResource(resource) {
                resources.append((name, copy))
            }
        case WASMHOST_CITEM_TYPE where !importing:
            var valueType = item.of.type
            let type = read(&valueType, consume: false)
            if type.isNominal, !types.contains(where: { $0.type == type }) {
                types.append(.init(name: name, interface: interface, type: type))
            }
        case WASMHOST_CITEM_COMPONENT_INSTANCE where interface == nil || interface == name:
            guard let instance = item.of.component_instance else { return }
            let entries = items(count: wasmtime_component_instance_type_export_count(instance, engine)) {
                wasmtime_component_instance_type_export_nth(instance, engine, $0, $1, $2, $3)
            }
            for (member, entry) in entries {
                collectNames(entry, name: member, interface: name, importing: importing)
                release(entry)
            }
        default:
            break
        }
    }

    private mutating func collectFunctions(_ item: wasmtime_component_item_t, name: String) {
        switch Int(item.kind) {
        case WASMHOST_CITEM_COMPONENT_FUNC:
            if let function = item.of.component_func { functions.append(self.function(function, name: name)) }
        case WASMHOST_CITEM_COMPONENT_INSTANCE:
            guard let instance = item.of.component_instance else { return }
            interfaces.append(name)
            let entries = items(count: wasmtime_component_instance_type_export_count(instance, engine)) {
                wasmtime_component_instance_type_export_nth(instance, engine, $0, $1, $2, $3)
            }
            for (member, entry) in entries {
                if Int(entry.kind) == WASMHOST_CITEM_COMPONENT_FUNC, let function = entry.of.component_func {
                    functions.append(self.function(function, name: "\(name)#\(member)"))
                }
                release(entry)
            }
        default:
            break
        }
    }

    private func function(_ type: OpaquePointer, name: String) -> ComponentDescription.Function {
        var params: [WITType.Field] = []
        for index in 0..<wasmtime_component_func_type_param_count(type) {
            var namePointer: UnsafePointer<CChar>?
            var nameLength = 0
            var valueType = wasmtime_component_valtype_t()
            guard wasmtime_component_func_type_param_nth(type, index, &namePointer, &nameLength, &valueType) else { continue }
            params.append(.init(name: Self.string(namePointer, nameLength), type: read(&valueType)))
        }
        var resultType = wasmtime_component_valtype_t()
        let result = wasmtime_component_func_type_result(type, &resultType) ? read(&resultType) : nil
        return .init(name: name, params: params, result: result, isAsync: wasmtime_component_func_type_async(type))
    }

    /// The WIT type of `type`; frees it unless `consume` is false.
    private func read(_ type: inout wasmtime_component_valtype_t, consume: Bool = true) -> WITType {
        defer { if consume { wasmtime_component_valtype_delete(&type) } }
        switch Int(type.kind) {
        case WASMHOST_CVT_BOOL: return .bool
        case WASMHOST_CVT_S8: return .s8
        case WASMHOST_CVT_S16: return .s16
        case WASMHOST_CVT_S32: return .s32
        case WASMHOST_CVT_S64: return .s64
        case WASMHOST_CVT_U8: return .u8
        case WASMHOST_CVT_U16: return .u16
        case WASMHOST_CVT_U32: return .u32
        case WASMHOST_CVT_U64: return .u64
        case WASMHOST_CVT_F32: return .f32
        case WASMHOST_CVT_F64: return .f64
        case WASMHOST_CVT_CHAR: return .char
        case WASMHOST_CVT_STRING: return .string
        case WASMHOST_CVT_LIST:
            var element = wasmtime_component_valtype_t()
            wasmtime_component_list_type_element(type.of.list, &element)
            return .list(read(&element))
        case WASMHOST_CVT_OPTION:
            var element = wasmtime_component_valtype_t()
            wasmtime_component_option_type_ty(type.of.option, &element)
            return .option(read(&element))
        case WASMHOST_CVT_TUPLE:
            let tuple = type.of.tuple
            return .tuple((0..<wasmtime_component_tuple_type_types_count(tuple)).compactMap { index in
                var element = wasmtime_component_valtype_t()
                return wasmtime_component_tuple_type_types_nth(tuple, index, &element) ? read(&element) : nil
            })
        case WASMHOST_CVT_RECORD:
            let record = type.of.record
            return .record((0..<wasmtime_component_record_type_field_count(record)).compactMap { index in
                var name: UnsafePointer<CChar>?
                var length = 0
                var field = wasmtime_component_valtype_t()
                guard wasmtime_component_record_type_field_nth(record, index, &name, &length, &field) else { return nil }
                return WITType.Field(name: Self.string(name, length), type: read(&field))
            })
        case WASMHOST_CVT_VARIANT:
            let variant = type.of.variant
            return .variant((0..<wasmtime_component_variant_type_case_count(variant)).compactMap { index in
                var name: UnsafePointer<CChar>?
                var length = 0
                var hasPayload = false
                var payload = wasmtime_component_valtype_t()
                guard wasmtime_component_variant_type_case_nth(variant, index, &name, &length, &hasPayload, &payload)
                else { return nil }
                return WITType.Case(name: Self.string(name, length), payload: hasPayload ? read(&payload) : nil)
            })
        case WASMHOST_CVT_ENUM:
            let enumeration = type.of.enum_
            return .enumeration(Self.names(count: wasmtime_component_enum_type_names_count(enumeration)) {
                wasmtime_component_enum_type_names_nth(enumeration, $0, $1, $2)
            })
        case WASMHOST_CVT_FLAGS:
            let flags = type.of.flags
            return .flags(Self.names(count: wasmtime_component_flags_type_names_count(flags)) {
                wasmtime_component_flags_type_names_nth(flags, $0, $1, $2)
            })
        case WASMHOST_CVT_RESULT:
            let result = type.of.result
            var ok = wasmtime_component_valtype_t()
            var err = wasmtime_component_valtype_t()
            let okType = wasmtime_component_result_type_ok(result, &ok) ? read(&ok) : nil
            let errType = wasmtime_component_result_type_err(result, &err) ? read(&err) : nil
            return .result(ok: okType, err: errType)
        case WASMHOST_CVT_OWN:
            return .handle(owned: true, name: resourceName(type.of.own))
        case WASMHOST_CVT_BORROW:
            return .handle(owned: false, name: resourceName(type.of.borrow))
        case WASMHOST_CVT_FUTURE: return .unsupported("future")
        case WASMHOST_CVT_STREAM: return .unsupported("stream")
        case WASMHOST_CVT_ERROR_CONTEXT: return .unsupported("error-context")
        default: return .unsupported("type kind \(type.kind)")
        }
    }

    private func resourceName(_ resource: OpaquePointer?) -> String {
        guard let resource else { return "resource" }
        return resources.first { wasmtime_component_resource_type_equal($0.type, resource) }?.name ?? "resource"
    }

    private func release(_ item: wasmtime_component_item_t) {
        var item = item
        wasmtime_component_item_delete(&item)
    }

    private static func cloneResource(_ resource: OpaquePointer) -> OpaquePointer? {
        var type = wasmtime_component_valtype_t()
        type.kind = wasmtime_component_valtype_kind_t(WASMHOST_CVT_OWN)
        type.of.own = resource
        var copy = wasmtime_component_valtype_t()
        wasmtime_component_valtype_clone(&type, &copy)
        return copy.of.own
    }

    private func finish() -> ComponentDescription {
        for resource in resources { wasmtime_component_resource_type_delete(resource.type) }
        return ComponentDescription(functions: functions, types: types, imports: imports, exportedInterfaces: interfaces)
    }

    /// The `count` names an `nth` accessor gives (enum cases, flags).
    private static func names(
        count: Int, _ nth: (Int, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafeMutablePointer<Int>) -> Bool
    ) -> [String] {
        (0..<count).compactMap { index in
            var name: UnsafePointer<CChar>?
            var length = 0
            return nth(index, &name, &length) ? string(name, length) : nil
        }
    }

    static func string(_ pointer: UnsafePointer<CChar>?, _ count: Int) -> String {
        guard let pointer, count > 0 else { return "" }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: count) {
            String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
        }
    }
}
#endif
