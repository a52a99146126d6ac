import Sandbox

extension ValueRule {
    /// How an argument of a WIT type is spelled (API.md's component table).
    static func argument(for type: WITType) -> ValueRule { rule(for: type, argument: true) }

    /// How a result of a WIT type is written.
    static func result(for type: WITType) -> ValueRule { rule(for: type, argument: false) }

    /// The integer rule of a WIT integer type: its exact range; arguments also as strings.
    static func witInteger(_ type: WITType, argument: Bool) -> IntegerRule? {
        let (bits, signed): (Int, Bool)
        switch type {
        case .s8: (bits, signed) = (8, true)
        case .s16: (bits, signed) = (16, true)
        case .s32: (bits, signed) = (32, true)
        case .s64: (bits, signed) = (64, true)
        case .u8: (bits, signed) = (8, false)
        case .u16: (bits, signed) = (16, false)
        case .u32: (bits, signed) = (32, false)
        case .u64: (bits, signed) = (64, false)
        default: return nil
        }
        return signed
            ? IntegerRule(minimum: -(Int128(1) << (bits - 1)), maximum: (Int128(1) << (bits - 1)) - 1, acceptsStrings: argument)
            : IntegerRule(minimum: 0, maximum: (Int128(1) << bits) - 1, acceptsStrings: argument)
    }

    private static func rule(for type: WITType, argument: Bool) -> ValueRule {
        if let integer = witInteger(type, argument: argument) { return .integer(integer) }
        switch type {
        case .bool: return .boolean
        case .f32: return .float(.f32)
        case .f64: return .float(.f64)
        case .char: return .char
        case .string: return .string
        case .list(.u8) where argument: return .bytes
        case .list(let element): return .list(rule(for: element, argument: argument))
        case .tuple(let types): return .tuple(types.map { rule(for: $0, argument: argument) })
        case .record(let fields):
            return .record(fields.map { field in
                let rule = rule(for: field.type, argument: argument)
                return Field(name: field.name, rule: rule, mayBeOmitted: argument && rule.isOption)
            })
        case .variant(let cases):
            return .variant(cases.map { Case(name: $0.name, payload: $0.payload.map { rule(for: $0, argument: argument) }) })
        case .enumeration(let names): return .enumeration(names)
        case .flags(let names): return .flags(names)
        case .option(let inner): return .option(rule(for: inner, argument: argument))
        case .result(let ok, let err):
            return .result(ok: ok.map { rule(for: $0, argument: argument) }, err: err.map { rule(for: $0, argument: argument) })
        default:
            // Resources, futures and streams: such functions are not callable and get no operation.
            return .null
        }
    }
}

extension CallableExport {
    /// The callable functions of a component, with named parameters and its WIT as documentation.
    static func component(_ description: ComponentDescription) -> [CallableExport] {
        let wit = WITText.world(description)
        return description.functions.filter { $0.notCallableReason == nil }.map { function in
            CallableExport(
                name: function.name,
                parameters: function.params.map { Parameter(name: $0.name, rule: .argument(for: $0.type)) },
                results: function.result.map { [.result(for: $0)] } ?? [],
                signature: description.signature(of: function), documentation: wit)
        }
    }
}

extension ModuleCapabilities {
    /// The capabilities of a component: WASI streams, and through the host
    /// interface logs and calls into other modules (which may loop).
    init(component: ComponentDescription) {
        self.init(imports: [])
        wasi = component.usesWASI
        if component.imports.contains(ComponentImports.hostInterface) {
            logs = true
            output = true
            reentrant = true
        }
    }
}
