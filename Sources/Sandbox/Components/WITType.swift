/// A WIT value type, as a component's functions use it (API.md, "Components").
public indirect enum WITType: Sendable, Equatable, Hashable {
    case bool
    case s8, s16, s32, s64
    case u8, u16, u32, u64
    case f32, f64
    case char
    case string
    case list(WITType)
    case tuple([WITType])
    case record([Field])
    case variant([Case])
    case enumeration([String])
    case option(WITType)
    case result(ok: WITType?, err: WITType?)
    case flags([String])
    /// `own<R>` or `borrow<R>` of a resource; `name` is the resource's WIT name when known.
    case handle(owned: Bool, name: String)
    /// `future`, `stream`, `error-context` and kinds this build does not know.
    case unsupported(String)

    /// A named, typed record field.
    public struct Field: Sendable, Equatable, Hashable {
        public let name: String
        public let type: WITType
        public init(name: String, type: WITType) {
            self.name = name
            self.type = type
        }
    }

    /// A variant case with its optional payload.
    public struct Case: Sendable, Equatable, Hashable {
        public let name: String
        public let payload: WITType?
        public init(name: String, payload: WITType?) {
            self.name = name
            self.payload = payload
        }
    }

    /// Why a value of this type cannot cross JSON, or `nil` when it can
    /// (resources, futures and streams, anywhere inside it).
    public var notCallableReason: String? {
        switch self {
        case .handle: return "resource types cannot cross JSON"
        case .unsupported(let kind): return "\(kind) types cannot cross JSON"
        case .list(let element), .option(let element): return element.notCallableReason
        case .tuple(let types): return types.lazy.compactMap(\.notCallableReason).first
        case .record(let fields): return fields.lazy.compactMap(\.type.notCallableReason).first
        case .variant(let cases): return cases.lazy.compactMap { $0.payload?.notCallableReason }.first
        case .result(let ok, let err): return ok?.notCallableReason ?? err?.notCallableReason
        default: return nil
        }
    }

    /// True for the types WIT requires a name for (`record`, `variant`, `enum`, `flags`).
    public var isNominal: Bool {
        switch self {
        case .record, .variant, .enumeration, .flags: true
        default: false
        }
    }
}
