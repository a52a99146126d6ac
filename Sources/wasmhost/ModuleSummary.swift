import Foundation
import Service

/// `wasmhost check`'s readable summary: one line per export and import, with types.
///
/// ```
/// add.wat: valid module, 41 bytes, id 3f1c…
/// exports:
///   func   add(i32, i32) -> i32
///   memory memory: 1 page, no maximum
/// imports: none
/// ```
enum ModuleSummary {
    static func text(of description: JSONValue, file: String) -> String {
        let id = description["id"]?.text ?? "?"
        let size = description["size"]?.text ?? "?"
        let kind = description["kind"]?.text ?? "module"
        var lines = ["\(file): valid \(kind), \(size) bytes, id \(id)"]
        for (title, key) in [("exports", "exports"), ("imports", "imports")] {
            let entries = description[key]?.elements ?? []
            lines.append(entries.isEmpty ? "\(title): none" : "\(title):")
            for entry in entries {
                // A component's imports are interface names (`wasi:cli/stdout@0.2.0`).
                if let interface = entry.text {
                    lines.append("  " + interface)
                    continue
                }
                let name = key == "imports"
                    ? "\(entry["module"]?.text ?? "?").\(entry["name"]?.text ?? "?")" : (entry["name"]?.text ?? "?")
                let kind = entry["kind"]?.text ?? "?"
                lines.append("  " + kind.padding(toLength: 6, withPad: " ", startingAt: 0) + " " + line(name: name, kind: kind, entry))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func line(name: String, kind: String, _ entry: JSONValue) -> String {
        switch kind {
        case "func" where entry["result"] != nil:
            // A component function: named WIT-typed parameters and one result.
            let params = (entry["params"]?.elements ?? []).map { "\($0["name"]?.text ?? "?"): \($0["type"]?.text ?? "?")" }
            let result = entry["result"]?.text.map { " -> \($0)" } ?? ""
            let note = entry["callable"] == .bool(false) ? "  (not callable: \(entry["detail"]?.text ?? "?"))" : ""
            return "\(name)(\(params.joined(separator: ", ")))\(result)\(note)"
        case "func", "tag":
            let params = entry["params"]?.elements.compactMap(\.text).joined(separator: ", ") ?? ""
            let results = entry["results"]?.elements.compactMap(\.text) ?? []
            let arrow = switch results.count {
            case 0: ""
            case 1: " -> \(results[0])"
            default: " -> (\(results.joined(separator: ", ")))"
            }
            return "\(name)(\(params))\(arrow)"
        case "memory":
            return "\(name): \(count(entry["min"], "page")), \(maximum(entry["max"], "pages"))"
        case "table":
            return "\(name): \(entry["element"]?.text ?? "?"), \(count(entry["min"], "element")), \(maximum(entry["max"], "elements"))"
        case "global":
            return "\(name): \((entry["mutable"] == .bool(true)) ? "mut " : "")\(entry["type"]?.text ?? "?")"
        default:
            return name
        }
    }

    private static func count(_ value: JSONValue?, _ unit: String) -> String {
        let number = value?.text ?? "0"
        return "\(number) \(unit)\(number == "1" ? "" : "s")"
    }

    private static func maximum(_ value: JSONValue?, _ unit: String) -> String {
        guard let number = value?.text else { return "no maximum" }
        return "at most \(number) \(unit)"
    }
}
