import Foundation
import Sandbox

/// A module to run on both engines, with the names it is uploaded under and the
/// calls its documentation shows.
public struct CorpusModule: Sendable {
    public let origin: String
    public let bytes: [UInt8]
    public var names: [String]
    public var documentedCalls: [DocumentedCall]

    public init(origin: String, bytes: [UInt8], names: [String] = [], documentedCalls: [DocumentedCall] = []) {
        self.origin = origin
        self.bytes = bytes
        self.names = names
        self.documentedCalls = documentedCalls
    }
}

/// A call as the examples' comments show it (`curl -d '{"args":[7,0]}' …/invoke/div`):
/// JSON arguments, typed once the module's signature is known.
public struct DocumentedCall: Sendable {
    public let export: String
    let arguments: [Double?]
    let input: [UInt8]

    /// The call with arguments of `params`' types, or `nil` when they do not fit.
    public func typed(_ params: [WasmValueType]) -> Call? {
        guard params.count == arguments.count else { return nil }
        var values: [WasmValue] = []
        for (type, number) in zip(params, arguments) {
            switch (type, number) {
            case (.i32, let value?): values.append(.i32(UInt32(truncatingIfNeeded: Int64(value))))
            case (.i64, let value?) where abs(value) < 9e18: values.append(.i64(UInt64(bitPattern: Int64(value))))
            case (.f32, let value?): values.append(.f32(Float(value).bitPattern))
            case (.f64, let value?): values.append(.f64(value.bitPattern))
            case (.funcref, nil), (.externref, nil): values.append(.ref(type, nil))
            default: return nil
            }
        }
        return Call(export: export, arguments: values, input: input)
    }
}

/// The modules the differential test and `make fuzz-differential` start from:
/// the examples, the fixtures, the fuzz regressions and a spread of the spec suite.
public enum DifferentialCorpus {
    /// `examples/modules/*.wat`, each with the names and calls its comments document.
    public static func examples(root: String) -> [CorpusModule] {
        let directory = root + "/examples/modules"
        return files(in: directory, extensions: ["wat"]).compactMap { path in
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            let file = (path as NSString).lastPathComponent
            let text = String(decoding: data, as: UTF8.self)
            let stem = (file as NSString).deletingPathExtension
            var names = [stem, stem.replacingOccurrences(of: "_", with: "-")]
            names += matches(#"@\#(NSRegularExpression.escapedPattern(for: file)) '[^']*\?name=([A-Za-z0-9_.-]+)'"#, in: text)
                .map { $0[0] }
            names = Array(Set(names)).sorted()
            var calls: [DocumentedCall] = []
            for match in matches(#"curl -d '(\{[^']*\})' http://[^ ]*/v1/modules/([A-Za-z0-9_.-]+)/invoke/([A-Za-z0-9_]+)"#, in: text)
            where names.contains(match[1]) {
                if let call = documented(json: match[0], export: match[2]) { calls.append(call) }
            }
            return CorpusModule(origin: "examples/modules/\(file)", bytes: Array(data), names: names, documentedCalls: calls)
        }
    }

    /// Every `.wasm` and `.wat` file under `directory` (recursively), named by its stem.
    public static func modules(under directory: String, relativeTo root: String) -> [CorpusModule] {
        files(in: directory, extensions: ["wasm", "wat"]).compactMap { path in
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            let origin = path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
            return CorpusModule(origin: origin, bytes: Array(data), names: [stem])
        }
    }

    /// Up to `count` spec-suite modules spread evenly over the suite (as the fuzz replay picks them).
    public static func spec(root: String, count: Int) -> [CorpusModule] {
        guard count > 0,
            let directory = [root + "/../shared/spec/json", "/work/shared/spec/json"]
                .first(where: { FileManager.default.fileExists(atPath: $0) })
        else { return [] }
        let all = files(in: directory, extensions: ["wasm"])
        guard !all.isEmpty else { return [] }
        let step = max(1, all.count / count)
        return stride(from: 0, to: all.count, by: step).prefix(count).compactMap { index in
            FileManager.default.contents(atPath: all[index]).map {
                CorpusModule(origin: "spec/" + String(all[index].dropFirst(directory.count + 1)), bytes: Array($0))
            }
        }
    }

    /// The whole corpus of `make fuzz`'s replay: examples, fixtures, regressions, spec modules.
    public static func all(root: String, specCount: Int) -> [CorpusModule] {
        examples(root: root)
            + modules(under: root + "/Tests/Fixtures", relativeTo: root)
            + modules(under: root + "/scripts/reliability/regressions", relativeTo: root)
            + spec(root: root, count: specCount)
    }

    static func documented(json: String, export: String) -> DocumentedCall? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return nil }
        var arguments: [Double?] = []
        for item in object["args"] as? [Any] ?? [] {
            switch item {
            case let number as NSNumber: arguments.append(number.doubleValue)
            case is NSNull: arguments.append(nil)
            default: return nil
            }
        }
        let input = (object["input"] as? String).map { Array($0.utf8) } ?? []
        return DocumentedCall(export: export, arguments: arguments, input: input)
    }

    static func files(in directory: String, extensions: Set<String>) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var found: [String] = []
        for case let relative as String in walker where extensions.contains((relative as NSString).pathExtension) {
            found.append(directory + "/" + relative)
        }
        return found.sorted()
    }

    /// The capture groups of every match of `pattern` in `text`.
    static func matches(_ pattern: String, in text: String) -> [[String]] {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return [] }
        let range = NSRange(text.startIndex..., in: text)
        return expression.matches(in: text, range: range).map { match in
            (1..<match.numberOfRanges).map { index in
                Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
            }
        }
    }
}
