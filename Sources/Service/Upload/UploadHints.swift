import Sandbox

/// Recognises uploads that curl habits mangled, and says what to type instead.
enum UploadHints {
    static let useDataBinary = "if you used curl -d, send the file with --data-binary"

    /// `error` with a hint added when the upload looks like `curl -d` sent it:
    /// the form type `curl -d` uses, or WAT whose newlines are gone (a `;;`
    /// comment then swallows the rest of the file). Only the detail changes.
    static func annotate(_ error: APIError, upload: ModuleUpload) -> APIError {
        guard error.code == .invalidModule || error.code == .invalidWAT else { return error }
        let strippedText = !ModuleCompiler.isBinary(upload.bytes)
            && !upload.bytes.contains(UInt8(ascii: "\n"))
            && upload.bytes.firstRange(of: Array(";;".utf8)) != nil
        guard upload.sentAsURLEncodedForm || strippedText else { return error }
        var hinted = APIError(error.code, "\(error.detail); \(useDataBinary)")
        hinted.extras = error.extras
        hinted.headers = error.headers
        return hinted
    }

    /// The refusal of WebAssembly text that assembled to a module with no fields
    /// at all: what `curl -d @m.wat` makes of a file that opens with a `;;` line.
    static let noModuleFields = APIError(.invalidWAT, "the text has no module fields; \(useDataBinary)")

    /// True when a binary module has no sections besides custom ones.
    static func hasNoModuleFields(_ binary: [UInt8]) -> Bool {
        var index = 8
        while index < binary.count {
            let id = binary[index]
            index += 1
            guard id == 0, let size = leb128(binary, &index) else { return false }
            index += size
        }
        return true
    }

    private static func leb128(_ bytes: [UInt8], _ index: inout Int) -> Int? {
        var value = 0
        var shift = 0
        while index < bytes.count, shift < 35 {
            let byte = bytes[index]
            index += 1
            value |= Int(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}
