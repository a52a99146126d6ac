import Foundation
/// Names derived from export names: operation ids, schema names and path segments.
enum OperationNames {
    /// An identifier per export name (letters, digits, `_`; not starting with a
    /// digit), made unique by a numeric suffix where two names map to one.
    static func operationIDs(_ exportNames: [String]) -> [String] {
        deduplicated(exportNames.map { name in
            let base = String(String.UnicodeScalarView(name.unicodeScalars.map { scalar in
                scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)) ? scalar : "_"
            }))
            return base.isEmpty || base.first?.isNumber == true ? "export_" + base : base
        })
    }

    /// `UpperCamelCase` of each operation id, for schema names (`id_i32` → `IdI32`), made unique.
    static func typeNames(_ operationIDs: [String]) -> [String] {
        deduplicated(operationIDs.map { id in
            id.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        })
    }

    /// `names` with a numeric suffix on every repeat (`a`, `a_2`, `a_3`).
    private static func deduplicated(_ names: [String]) -> [String] {
        var taken: Set<String> = []
        return names.map { name in
            var candidate = name
            var suffix = 2
            while !taken.insert(candidate).inserted {
                candidate = "\(name)_\(suffix)"
                suffix += 1
            }
            return candidate
        }
    }

    /// `name` percent-encoded as one path segment (everything but RFC 3986's unreserved characters).
    static func pathSegment(_ name: String) -> String {
        // Never nil for a Swift string: every one has a UTF-8 form.
        name.addingPercentEncoding(withAllowedCharacters: unreserved) ?? name
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
