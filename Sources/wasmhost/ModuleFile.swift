import ArgumentParser
import Foundation
import HTTPServer
import Service

/// What `check` and `run` share: read a module file, upload it through the
/// service's own path into a throwaway store, print answers.
enum ModuleFile {
    /// A module uploaded into a runner's throwaway store.
    struct Loaded {
        let runner: LocalRunner
        let id: String
        /// The upload's answer: the module description.
        let response: HTTPResponse
        let description: JSONValue

        /// True when the module imports `module.name`.
        func imports(_ module: String, _ name: String) -> Bool {
            description["imports"]?.elements.contains { $0["module"]?.text == module && $0["name"]?.text == name } ?? false
        }
    }

    /// Uploads `path` into a new runner. The caller closes the runner.
    /// - Throws: `ExitCode(1)` after printing why when the file cannot be read or is refused.
    static func load(_ path: String, configuration: ServiceConfiguration = .init(), problemAsJSON: Bool = false) throws -> Loaded {
        LogSetup.bootstrap(format: "text", level: "error")
        guard let data = FileManager.default.contents(atPath: path) else {
            FileHandle.standardError.write(Data("wasmhost: cannot read \(path)\n".utf8))
            throw ExitCode(1)
        }
        let runner = try LocalRunner(configuration: configuration)
        let uploaded = runner.upload(Array(data))
        guard uploaded.status < 300, let description = try? JSONParser.parse(uploaded.body),
            let id = description["id"]?.text
        else {
            runner.close()
            if problemAsJSON {
                print(uploaded)
            } else {
                let problem = Problem(uploaded)
                FileHandle.standardError.write(Data("wasmhost: \(path): \(problem.code): \(problem.detail)\n".utf8))
            }
            throw ExitCode(1)
        }
        return Loaded(runner: runner, id: id, response: uploaded, description: description)
    }

    /// Prints an answer's body on stdout.
    static func print(_ response: HTTPResponse) {
        FileHandle.standardOutput.write(Data(response.body + [0x0A]))
    }
}

/// The `code` and `detail` of a problem+json answer.
struct Problem {
    let code: String
    let detail: String

    init(_ response: HTTPResponse) {
        let body = try? JSONParser.parse(response.body)
        code = body?["code"]?.text ?? "status \(response.status)"
        detail = body?["detail"]?.text ?? String(decoding: response.body, as: UTF8.self)
    }
}

extension JSONValue {
    /// The member `key` of an object.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// A string's text, or a number's source text.
    var text: String? {
        switch self {
        case .string(let text), .number(let text): text
        default: nil
        }
    }

    /// An array's elements; empty for anything else.
    var elements: [JSONValue] {
        guard case .array(let values) = self else { return [] }
        return values
    }
}
