import Foundation

/// A `multipart/form-data` body (RFC 7578) split into its parts.
///
/// Only what an upload needs: each part's field name, file name and bytes.
/// Strict: a body that does not follow the framing is refused, never guessed at.
struct MultipartForm {
    /// One part of the form.
    struct Part {
        /// The `name` parameter of the part's `Content-Disposition`.
        var fieldName: String
        /// The `filename` parameter, present when the client sent a file (`curl -F f=@x`).
        var fileName: String?
        var bytes: ArraySlice<UInt8>
    }

    /// Why a body is not a well-formed form.
    struct Malformed: Error {
        let reason: String
    }

    let parts: [Part]

    /// The boundary of a `multipart/form-data` content type, or `nil` when the
    /// content type is something else.
    /// - Throws: ``Malformed`` for a form content type without a usable boundary.
    static func boundary(ofContentType contentType: String) throws(Malformed) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let type = pieces.first, type.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "="),
                piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased() == "boundary"
            else { continue }
            var value = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            // RFC 2046: 1 to 70 characters.
            guard (1...70).contains(value.utf8.count) else { break }
            return value
        }
        throw Malformed(reason: "Content-Type multipart/form-data needs a boundary parameter of 1 to 70 characters")
    }

    /// Splits `body` at `--boundary` lines.
    init(_ body: [UInt8], boundary: String) throws(Malformed) {
        let delimiter = Array("--\(boundary)".utf8)
        let separator = [UInt8(ascii: "\r"), UInt8(ascii: "\n")] + delimiter
        // The first delimiter may open the body or follow a preamble line.
        guard var cursor = Self.firstDelimiter(in: body, delimiter: delimiter) else {
            throw Malformed(reason: "the multipart body has no --\(boundary.prefix(70)) delimiter line")
        }
        var parts: [Part] = []
        while true {
            cursor += delimiter.count
            let rest = body[cursor...]
            if rest.starts(with: Array("--".utf8)) { break }
            guard rest.starts(with: Self.newline) else {
                throw Malformed(reason: "a multipart delimiter must be followed by CRLF or --")
            }
            cursor += 2
            guard let headersEnd = body[cursor...].firstRange(of: Self.newline + Self.newline) else {
                throw Malformed(reason: "a multipart part has no blank line after its headers")
            }
            guard let contentEnd = body[headersEnd.upperBound...].firstRange(of: separator) else {
                throw Malformed(reason: "the multipart body ends without its closing --\(boundary.prefix(70))-- line")
            }
            parts.append(try Self.part(headers: body[cursor..<headersEnd.lowerBound],
                                       bytes: body[headersEnd.upperBound..<contentEnd.lowerBound]))
            cursor = contentEnd.lowerBound + 2
        }
        self.parts = parts
    }

    private static let newline = [UInt8(ascii: "\r"), UInt8(ascii: "\n")]

    private static func firstDelimiter(in body: [UInt8], delimiter: [UInt8]) -> Int? {
        if body.starts(with: delimiter) { return 0 }
        return body.firstRange(of: newline + delimiter).map { $0.lowerBound + 2 }
    }

    private static func part(headers: ArraySlice<UInt8>, bytes: ArraySlice<UInt8>) throws(Malformed) -> Part {
        guard let text = String(validating: headers, as: UTF8.self) else {
            throw Malformed(reason: "multipart part headers are not UTF-8")
        }
        for line in text.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":"),
                line[..<colon].trimmingCharacters(in: .whitespaces).lowercased() == "content-disposition"
            else { continue }
            let parameters = DispositionParameters(line[line.index(after: colon)...])
            guard parameters.type == "form-data", let name = parameters.values["name"] else { break }
            return Part(fieldName: name, fileName: parameters.values["filename"], bytes: bytes)
        }
        throw Malformed(reason: "every multipart part needs Content-Disposition: form-data; name=\"...\"")
    }
}

/// `form-data; name="file"; filename="add.wat"` as a type and parameters.
/// Quoted values may escape `"` and `\` with a backslash, as curl does.
private struct DispositionParameters {
    var type = ""
    var values: [String: String] = [:]

    init(_ text: Substring) {
        var characters = text.drop(while: { $0 == " " })[...]
        type = String(characters.prefix(while: { $0 != ";" })).trimmingCharacters(in: .whitespaces).lowercased()
        characters = characters.drop(while: { $0 != ";" })
        while characters.first == ";" {
            characters = characters.dropFirst().drop(while: { $0 == " " })
            let key = characters.prefix(while: { $0 != "=" && $0 != ";" }).trimmingCharacters(in: .whitespaces).lowercased()
            characters = characters.drop(while: { $0 != "=" && $0 != ";" })
            guard characters.first == "=" else { continue }
            characters = characters.dropFirst()
            var value = ""
            if characters.first == "\"" {
                characters = characters.dropFirst()
                var escaped = false
                while let character = characters.first {
                    characters = characters.dropFirst()
                    if escaped { value.append(character); escaped = false }
                    else if character == "\\" { escaped = true }
                    else if character == "\"" { break }
                    else { value.append(character) }
                }
                characters = characters.drop(while: { $0 != ";" })
            } else {
                value = String(characters.prefix(while: { $0 != ";" })).trimmingCharacters(in: .whitespaces)
                characters = characters.drop(while: { $0 != ";" })
            }
            if values[key] == nil { values[key] = value }
        }
    }
}
