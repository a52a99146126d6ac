/// WIT text for a component's world, written the way `wasm-tools component wit`
/// writes it: a `root:component` package whose world imports and exports what
/// the component does, then a package block per exported interface's package.
public enum WITText {
    /// The whole WIT document of `description`.
    public static func world(_ description: ComponentDescription) -> String {
        var lines = ["package root:component;", "", "world root {"]
        for name in description.imports { lines.append("  import \(name);") }
        for named in description.types where named.interface == nil {
            lines += definition(named, naming: description).map { "  " + $0 }
        }
        for function in description.functions where function.interface == nil {
            lines.append("  export \(function.name): \(functionType(function, naming: description));")
        }
        for interface in description.exportedInterfaces { lines.append("  export \(interface);") }
        lines.append("}")
        lines += packages(description)
        return lines.joined(separator: "\n") + "\n"
    }

    /// `package example:demo { interface geo { … } }` for each exported interface.
    private static func packages(_ description: ComponentDescription) -> [String] {
        var byPackage: [(package: String, interfaces: [(name: String, full: String)])] = []
        for full in description.exportedInterfaces {
            let (package, name) = split(interface: full)
            if let index = byPackage.firstIndex(where: { $0.package == package }) {
                byPackage[index].interfaces.append((name, full))
            } else {
                byPackage.append((package, [(name, full)]))
            }
        }
        var lines: [String] = []
        for (package, interfaces) in byPackage {
            lines += ["", "package \(package) {"]
            for (index, interface) in interfaces.enumerated() {
                if index > 0 { lines.append("") }
                lines.append("  interface \(interface.name) {")
                for named in description.types where named.interface == interface.full {
                    lines += definition(named, naming: description).map { "    " + $0 }
                }
                for function in description.functions where function.interface == interface.full {
                    lines.append("    \(function.plainName): \(functionType(function, naming: description));")
                }
                lines.append("  }")
            }
            lines.append("}")
        }
        return lines
    }

    /// `example:demo/geo@1.0.0` → (`example:demo@1.0.0`, `geo`).
    static func split(interface full: String) -> (package: String, name: String) {
        var text = Substring(full)
        var version = ""
        if let at = text.lastIndex(of: "@") {
            version = String(text[at...])
            text = text[..<at]
        }
        guard let slash = text.lastIndex(of: "/") else { return ("root:component", String(text)) }
        return (String(text[..<slash]) + version, String(text[text.index(after: slash)...]))
    }

    /// `func(name: string) -> string`.
    static func functionType(_ function: ComponentDescription.Function, naming: ComponentDescription) -> String {
        let params = function.params.map { "\($0.name): \(naming.display($0.type))" }.joined(separator: ", ")
        return "func(\(params))" + (function.result.map { " -> \(naming.display($0))" } ?? "")
    }

    /// The definition of a named type, one or more lines.
    static func definition(_ named: ComponentDescription.NamedType, naming: ComponentDescription) -> [String] {
        switch named.type {
        case .record(let fields):
            return ["record \(named.name) {"] + fields.map { "  \($0.name): \(naming.display($0.type))," } + ["}"]
        case .variant(let cases):
            return ["variant \(named.name) {"]
                + cases.map { "  \($0.name)" + ($0.payload.map { "(\(naming.display($0)))" } ?? "") + "," } + ["}"]
        case .enumeration(let names):
            return ["enum \(named.name) {"] + names.map { "  \($0)," } + ["}"]
        case .flags(let names):
            return ["flags \(named.name) {"] + names.map { "  \($0)," } + ["}"]
        case .handle:
            return ["resource \(named.name);"]
        default:
            return ["type \(named.name) = \(structure(named.type, naming: naming));"]
        }
    }

    /// A type written out (`list<point>`, `record { x: f64, y: f64 }`); names
    /// from `naming` are used for the types inside it.
    public static func structure(_ type: WITType, naming: ComponentDescription?) -> String {
        func inner(_ type: WITType) -> String {
            naming?.display(type) ?? structure(type, naming: nil)
        }
        switch type {
        case .bool: return "bool"
        case .s8: return "s8"
        case .s16: return "s16"
        case .s32: return "s32"
        case .s64: return "s64"
        case .u8: return "u8"
        case .u16: return "u16"
        case .u32: return "u32"
        case .u64: return "u64"
        case .f32: return "f32"
        case .f64: return "f64"
        case .char: return "char"
        case .string: return "string"
        case .list(let element): return "list<\(inner(element))>"
        case .option(let element): return "option<\(inner(element))>"
        case .tuple(let types): return "tuple<\(types.map(inner).joined(separator: ", "))>"
        case .result(let ok, let err):
            switch (ok, err) {
            case (nil, nil): return "result"
            case (let ok?, nil): return "result<\(inner(ok))>"
            case (nil, let err?): return "result<_, \(inner(err))>"
            case (let ok?, let err?): return "result<\(inner(ok)), \(inner(err))>"
            }
        case .record(let fields):
            return "record { \(fields.map { "\($0.name): \(inner($0.type))" }.joined(separator: ", ")) }"
        case .variant(let cases):
            return "variant { \(cases.map { $0.name + ($0.payload.map { "(\(inner($0)))" } ?? "") }.joined(separator: ", ")) }"
        case .enumeration(let names): return "enum { \(names.joined(separator: ", ")) }"
        case .flags(let names): return "flags { \(names.joined(separator: ", ")) }"
        case .handle(let owned, let name): return owned ? "own<\(name)>" : "borrow<\(name)>"
        case .unsupported(let kind): return kind
        }
    }
}
