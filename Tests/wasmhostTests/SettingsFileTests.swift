import Configuration
import Foundation
import Testing
@testable import wasmhost

/// `Settings.load`: the YAML file under flags (and the environment).
@Suite(.timeLimit(.minutes(3)))
struct SettingsFileTests {
    static func withYAML<T>(_ text: String, _ body: (String) async throws -> T) async throws -> T {
        let path = NSTemporaryDirectory() + "wasmhost-settings-\(UUID().uuidString).yaml"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(path)
    }

    @Test func theYAMLFileIsReadWithIntegersAsText() async throws {
        let yaml = """
            http:
              listen: "127.0.0.1:9100"
            limits:
              max_queue: 12
              fuel: 1_000
            log:
              format: json
            """
        let settings = try await Self.withYAML(yaml) { try await Settings.load(configFile: $0, overrides: [:]) }
        #expect(settings.http.port == 9100)
        #expect(settings.service.maxQueue == 12)
        #expect(settings.service.sandbox.limits.fuel == 1000)
        #expect(settings.logFormat == "json")
    }

    @Test func flagsWinOverTheFile() async throws {
        let yaml = "http:\n  listen: \"127.0.0.1:9100\"\nstore:\n  data_dir: /from/file\n"
        let settings = try await Self.withYAML(yaml) {
            try await Settings.load(configFile: $0, overrides: ["http.listen": "[::1]:9200"])
        }
        #expect(settings.http.host == "::1" && settings.http.port == 9200)
        #expect(settings.dataDirectory == "/from/file")
    }

    @Test func aBadValueInTheFileNamesTheKey() async throws {
        let error = await #expect(throws: SettingsError.self) {
            try await Self.withYAML("limits:\n  max_concurrent: lots\n") { try await Settings.load(configFile: $0, overrides: [:]) }
        }
        #expect(error?.key == "limits.max_concurrent")
    }

    @Test func aMissingExplicitConfigFileIsAnError() async {
        let error = await #expect(throws: SettingsError.self) {
            try await Settings.load(configFile: "/nonexistent/wasmhost-\(UUID().uuidString).yaml", overrides: [:])
        }
        #expect(error?.key == "--config")
    }
}
