import Foundation
import ModuleStore

/// The statements the registry runs. Every value is a bound parameter (`$n`).
enum RegistrySQL {
    /// One row per module: id, size, created_at in microseconds, its names joined by commas
    /// (names cannot contain commas), its description in base64 or NULL.
    /// `%WHERE%` is replaced by a fixed condition below.
    private static let selectModules = """
        SELECT m.id, m.size, (extract(epoch FROM m.created_at) * 1000000)::bigint,
               coalesce(string_agg(n.name, ',' ORDER BY n.name), ''), encode(m.description, 'base64')
        FROM wasmhost_modules m LEFT JOIN wasmhost_names n ON n.module_id = m.id
        %WHERE%
        GROUP BY m.id
        ORDER BY m.created_at, m.id
        """

    static let allModules = selectModules.replacingOccurrences(of: "%WHERE%", with: "")
    /// `$1` is an id or a name (ids and names never look alike).
    static let moduleByReference = selectModules.replacingOccurrences(
        of: "%WHERE%", with: "WHERE m.id = $1 OR m.id = (SELECT module_id FROM wasmhost_names WHERE name = $1)")
    static let moduleByID = selectModules.replacingOccurrences(of: "%WHERE%", with: "WHERE m.id = $1")

    static let insertModule = """
        INSERT INTO wasmhost_modules (id, bytes, size, description) VALUES ($1, $2, $3::integer, $4)
        ON CONFLICT (id) DO NOTHING RETURNING id
        """
    /// Gives a module stored without a description (by an older replica) the one uploaded now.
    static let attachDescription = """
        UPDATE wasmhost_modules SET description = $2 WHERE id = $1 AND description IS NULL RETURNING id
        """
    static let pointName = """
        INSERT INTO wasmhost_names (name, module_id) VALUES ($1, $2)
        ON CONFLICT (name) DO UPDATE SET module_id = EXCLUDED.module_id
        """
    static let nameTarget = "SELECT module_id FROM wasmhost_names WHERE name = $1"
    static let totalBytes = "SELECT coalesce(sum(size), 0)::bigint FROM wasmhost_modules"
    static let moduleBytes = "SELECT bytes FROM wasmhost_modules WHERE id = $1"
    static let deleteModule = "DELETE FROM wasmhost_modules WHERE id = $1 RETURNING id"
    static let notify = "SELECT pg_notify($1, $2)"
    static let listen = "LISTEN \(Schema.channel)"

    /// The records of a `selectModules` result.
    static func records(_ rows: PGRows) -> [ModuleRecord] {
        (0..<rows.count).compactMap { row in
            guard let id = rows.text(row, 0), let size = rows.integer(row, 1), let micros = rows.integer(row, 2) else {
                return nil
            }
            let names = (rows.text(row, 3) ?? "").split(separator: ",").map(String.init)
            // PostgreSQL breaks base64 into lines of 76 characters.
            let description = rows.text(row, 4).flatMap { Data(base64Encoded: $0, options: .ignoreUnknownCharacters) }
            return ModuleRecord(
                id: id, size: size, createdAt: Date(timeIntervalSince1970: Double(micros) / 1_000_000), names: names,
                description: description.map { [UInt8]($0) })
        }
    }
}

/// A change sent with `NOTIFY`: what to read again, never the new state
/// itself, so replaying or reordering notifications cannot install stale data.
enum RegistryChange: Hashable, Sendable {
    case module(String)
    case name(String)

    var payload: String {
        switch self {
        case .module(let id): "module \(id)"
        case .name(let name): "name \(name)"
        }
    }

    init?(payload: String) {
        let parts = payload.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        switch parts[0] {
        case "module" where ModuleReference.isID(parts[1]): self = .module(parts[1])
        case "name" where ModuleReference.isValidName(parts[1]): self = .name(parts[1])
        default: return nil
        }
    }
}
