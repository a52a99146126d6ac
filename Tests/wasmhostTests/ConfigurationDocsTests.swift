import Foundation
import HTTPServer
import Service
import Testing
@testable import wasmhost

/// config/wasmhost.yaml and the README's key table are copies of
/// ``ConfigurationKey/all``: they must list the same keys with the same defaults.
@Suite(.timeLimit(.minutes(3)))
struct ConfigurationDocsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// Each key of a YAML file written like config/wasmhost.yaml (two-space
    /// indents, one scalar per line) with its value; `nil` for a key shown
    /// only commented out (`# key: example`).
    static func yamlKeys(_ text: String) -> [String: String?] {
        var keys: [String: String?] = [:]
        var sections: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let indent = line.prefix { $0 == " " }.count / 2
            var body = line.drop { $0 == " " }
            let commented = body.hasPrefix("# ")
            if commented { body = body.dropFirst(2) }
            guard let colon = body.firstIndex(of: ":") else { continue }
            let key = String(body[..<colon])
            guard !key.isEmpty, key.allSatisfy({ $0.isLowercase || $0 == "_" }) else { continue }
            let value = body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            // A commented-out key has an example value; prose after `# word:` has spaces.
            if commented && (value.isEmpty || value.contains(" ")) { continue }
            sections = Array(sections.prefix(indent))
            if value.isEmpty {
                sections.append(key)
            } else {
                keys[(sections + [key]).joined(separator: ".")] = commented ? .some(nil) : .some(value)
            }
        }
        return keys
    }

    /// The rows of the README's configuration table: key → default cell.
    static func readmeRows(_ text: String) -> [String: String] {
        var rows: [String: String] = [:]
        let section = text.components(separatedBy: "\n## Configuration\n").dropFirst().first?
            .components(separatedBy: "\n## ").first ?? ""
        for line in section.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4, cells[1].hasPrefix("`"), cells[1].hasSuffix("`"), cells[1].contains(".") else { continue }
            rows[String(cells[1].dropFirst().dropLast())] = cells[2]
        }
        return rows
    }

    @Test func theYAMLFileShowsEveryKeyWithItsDefault() throws {
        let yaml = Self.yamlKeys(try Self.text("config/wasmhost.yaml"))
        let table = Dictionary(uniqueKeysWithValues: ConfigurationKey.all.map { ($0.name, $0.value) })
        #expect(Set(yaml.keys) == Set(table.keys), "only in the YAML: \(Set(yaml.keys).subtracting(table.keys)); only in the table: \(Set(table.keys).subtracting(yaml.keys))")
        for (key, value) in table {
            #expect(yaml[key] == .some(value), "\(key): YAML \(String(describing: yaml[key])), table \(String(describing: value))")
        }
    }

    @Test func theREADMETableShowsEveryKeyWithItsDefault() throws {
        let rows = Self.readmeRows(try Self.text("README.md"))
        #expect(rows.count == ConfigurationKey.all.count, "the README's table should be:\n\(ConfigurationKey.readmeTable)")
        for key in ConfigurationKey.all {
            #expect(rows[key.name] == key.readmeDefault, "\(key.name): README \(rows[key.name] ?? "missing"), table \(key.readmeDefault)")
        }
    }

    @Test func keysWithoutAFixedDefaultFollowTheMachine() {
        #expect(Settings().http.eventThreads == HTTPServerConfiguration.defaultEventThreads)
        #expect(Settings().service.maxConcurrent == ServiceConfiguration.defaultMaxConcurrent)
        #expect(ServiceConfiguration.defaultMaxConcurrent == ProcessInfo.processInfo.activeProcessorCount)
    }
}
