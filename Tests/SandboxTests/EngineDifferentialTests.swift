import Differential
import Foundation
import Sandbox
import Testing

/// Wasmtime and WasmKit on the same modules and calls: every example (with the
/// calls its comments document), every fixture file, the fuzz regressions, a
/// spread of the spec suite, and every WAT module written inline in the Sandbox
/// and integration tests. Results, traps (kind and message), output, logs, WASI
/// streams, exit codes and reentrancy outcomes must be equal; fuel may differ.
///
/// Runs in the Wasmtime pass of `make test` only: it drives both engines itself.
@Suite(.enabled(if: DifferentialPass.bothEngines))
struct EngineDifferentialTests {
    static var root: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }

    /// Adds every module first (so `host.invoke` finds its targets by name), then
    /// runs each module's calls on both engines.
    static func compare(_ corpus: [CorpusModule]) -> DifferentialSummary? {
        Runner.onWorker {
            guard let differential = EngineDifferential(limits: Limits(fuel: 2_000_000, timeoutMilliseconds: 20_000))
            else { return nil }
            let entries = corpus.map { module in
                (module, differential.add(module.bytes, origin: module.origin, names: module.names))
            }
            for case (let module, let entry?) in entries {
                let documented = module.documentedCalls.compactMap { call in
                    entry.functions.first { $0.name == call.export }.flatMap { call.typed($0.params) }
                }
                differential.compareExports(entry, extra: documented)
            }
            return differential.summary
        }
    }

    static func expectAgreement(_ differential: DifferentialSummary?, minimumCalls: Int) throws {
        let differential = try #require(differential)
        for disagreement in differential.disagreements { Issue.record("\(disagreement)") }
        #expect(differential.calls >= minimumCalls, "only \(differential.calls) calls compared")
        print("differential: \(differential)")
    }

    @Test(.timeLimit(.minutes(3)))
    func examplesFixturesRegressionsAndSpecModulesAgree() throws {
        let corpus = DifferentialCorpus.all(root: Self.root, specCount: 150)
        #expect(corpus.contains { $0.origin.hasSuffix("cycle_a.wat") && $0.names.contains("cycle-a") })
        #expect(corpus.contains { $0.origin.hasSuffix("trap.wat") && $0.documentedCalls.contains { $0.export == "div" } })
        try Self.expectAgreement(Self.compare(corpus), minimumCalls: 100)
    }

    @Test(.timeLimit(.minutes(3)))
    func inlineTestFixturesAgree() throws {
        let corpus = InlineWAT.modules(in: [Self.root + "/Tests/SandboxTests", Self.root + "/Tests/IntegrationTests"])
        #expect(corpus.count >= 40, "found only \(corpus.count) inline modules")
        try Self.expectAgreement(Self.compare(corpus), minimumCalls: 100)
    }

    /// Fuel is metered on the same scale (about one unit per operator) on both
    /// engines; the README states the measured spread.
    @Test(.timeLimit(.minutes(3)))
    func fuelIsOnTheSameScale() throws {
        let differential = try #require(Self.compare(DifferentialCorpus.examples(root: Self.root)))
        let ratios = differential.fuel.ratios.sorted()
        let median = try #require(ratios.isEmpty ? nil : ratios[ratios.count / 2])
        #expect(median > 0.5 && median < 2, "\(differential.fuel)")
    }
}

/// Whether this test process runs the differential tests: a build with both
/// engines, in the pass whose engine is Wasmtime (`make test` runs one per engine).
enum DifferentialPass {
    static let bothEngines = SandboxEngine.available.contains(.wasmtime) && SandboxEngine.default == .wasmtime
}

/// The WAT modules written as multi-line string literals in test sources.
enum InlineWAT {
    static func modules(in directories: [String]) -> [CorpusModule] {
        var found: [CorpusModule] = []
        for directory in directories {
            let files = (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? [])
                .filter { $0.hasSuffix(".swift") }.sorted()
            for file in files {
                guard let text = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8) else { continue }
                found += literals(in: text, file: file)
            }
        }
        return found
    }

    /// Each `"""` literal containing `(module` and no interpolation, named by the
    /// `let` it is assigned to (host.invoke fixtures call each other by those
    /// names), and each one-line literal starting with `(module`.
    static func literals(in text: String, file: String) -> [CorpusModule] {
        var modules: [CorpusModule] = []
        var open: (name: String?, line: Int, raw: Bool)?
        var body: [Substring] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let current = open {
                if trimmed.hasPrefix("\"\"\"") {
                    let source = body.joined(separator: "\n")
                    if source.contains("(module"), let wat = current.raw ? source : unescaped(source) {
                        modules.append(CorpusModule(
                            origin: "\(file):\(current.line)", bytes: Array(wat.utf8),
                            names: current.name.map { [$0] } ?? []))
                    }
                    open = nil
                    body = []
                } else {
                    body.append(line)
                }
            } else if trimmed.hasSuffix("\"\"\"") && !trimmed.hasPrefix("\"\"\"") {
                let name = line.firstMatch(of: /(?:let|var)\s+(\w+)\s*(?::\s*String)?\s*=\s*#?"""$/).map { String($0.1) }
                open = (name, number + 1, trimmed.hasSuffix("#\"\"\""))
            } else {
                // One-line literals: "(module ...)".
                for match in line.matches(of: /"(\(module(?:\\.|[^"\\])*)"/) {
                    guard let wat = unescaped(String(match.1)) else { continue }
                    modules.append(CorpusModule(origin: "\(file):\(number + 1)", bytes: Array(wat.utf8)))
                }
            }
        }
        return modules
    }

    /// The literal's value: Swift escapes resolved; `nil` when it interpolates.
    static func unescaped(_ source: String) -> String? {
        var result = ""
        var characters = source.makeIterator()
        while let character = characters.next() {
            guard character == "\\" else {
                result.append(character)
                continue
            }
            switch characters.next() {
            case "\\": result.append("\\")
            case "\"": result.append("\"")
            case "'": result.append("'")
            case "n": result.append("\n")
            case "t": result.append("\t")
            case "r": result.append("\r")
            case "0": result.append("\0")
            case "u":
                guard characters.next() == "{" else { return nil }
                var hex = ""
                while let digit = characters.next(), digit != "}" { hex.append(digit) }
                guard let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) else { return nil }
                result.unicodeScalars.append(scalar)
            default: return nil  // interpolation or an escape this reader does not know
            }
        }
        return result
    }
}
