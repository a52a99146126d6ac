/// Rules for ids and names, shared by the store and the API layer.
public enum ModuleReference {
    /// True for 64 lowercase hex digits: a module id.
    public static func isID(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// True for a valid name: `[a-z0-9][a-z0-9._-]{0,63}` and not an id.
    public static func isValidName(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, bytes.count <= 64, !isID(text) else { return false }
        func alnum(_ byte: UInt8) -> Bool { (48...57).contains(byte) || (97...122).contains(byte) }
        return alnum(first) && bytes.dropFirst().allSatisfy { alnum($0) || $0 == 46 || $0 == 95 || $0 == 45 }
    }
}
