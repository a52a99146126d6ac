/// The stable problem codes of API.md, with their status and title.
/// This table is the one place codes map to statuses.
public enum ErrorCode: String, Sendable, CaseIterable {
    case badRequest = "bad_request"
    case emptyBody = "empty_body"
    case badArgs = "bad_args"
    case notAFunction = "not_a_function"
    case unauthorized
    case notFound = "not_found"
    case moduleNotFound = "module_not_found"
    case exportNotFound = "export_not_found"
    case methodNotAllowed = "method_not_allowed"
    case tooLarge = "too_large"
    case invalidModule = "invalid_module"
    case invalidWAT = "invalid_wat"
    case unsupportedModule = "unsupported_module"
    case unknownImport = "unknown_import"
    case importTypeMismatch = "import_type_mismatch"
    case limitExceeded = "limit_exceeded"
    case trap
    case fuelExhausted = "fuel_exhausted"
    case overloaded
    case notReady = "not_ready"
    case timeout
    case storageFull = "storage_full"
    case storageUnavailable = "storage_unavailable"
    case reentrancyLoop = "reentrancy_loop"
    case `internal`

    /// The HTTP status for this code.
    public var status: Int {
        switch self {
        case .badRequest, .emptyBody, .badArgs, .notAFunction: 400
        case .unauthorized: 401
        case .notFound, .moduleNotFound, .exportNotFound: 404
        case .methodNotAllowed: 405
        case .tooLarge: 413
        case .invalidModule, .invalidWAT, .unsupportedModule, .unknownImport, .importTypeMismatch, .limitExceeded, .trap,
            .fuelExhausted:
            422
        case .overloaded, .notReady, .storageUnavailable: 503
        case .timeout: 504
        case .storageFull: 507
        case .reentrancyLoop: 508
        case .internal: 500
        }
    }

    /// The short fixed phrase for this code.
    public var title: String {
        switch self {
        case .badRequest: "Bad request"
        case .emptyBody: "Empty body"
        case .badArgs: "Bad arguments"
        case .notAFunction: "Export is not a function"
        case .unauthorized: "Unauthorized"
        case .notFound: "Not found"
        case .moduleNotFound: "Module not found"
        case .exportNotFound: "Export not found"
        case .methodNotAllowed: "Method not allowed"
        case .tooLarge: "Body too large"
        case .invalidModule: "Invalid module"
        case .invalidWAT: "Invalid WebAssembly text"
        case .unsupportedModule: "Unsupported module"
        case .unknownImport: "Unknown import"
        case .importTypeMismatch: "Import type mismatch"
        case .limitExceeded: "Limit exceeded"
        case .trap: "WebAssembly trap"
        case .fuelExhausted: "Fuel exhausted"
        case .overloaded: "Overloaded"
        case .notReady: "Not ready"
        case .timeout: "Timeout"
        case .storageFull: "Storage full"
        case .storageUnavailable: "Storage unavailable"
        case .reentrancyLoop: "Reentrancy loop"
        case .internal: "Internal error"
        }
    }
}
