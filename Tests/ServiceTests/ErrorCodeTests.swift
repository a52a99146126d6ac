import Glibc
import HTTPServer
import ModuleStore
import Sandbox
import Testing
@testable import Service

/// Every problem code against API.md's table, and the problem+json it becomes.
@Suite(.timeLimit(.minutes(3)))
struct ErrorCodeTests {
    /// API.md, "Errors: RFC 9457 problem details", row by row.
    static let apiTable: [(String, Int)] = [
        ("bad_request", 400), ("empty_body", 400), ("bad_args", 400), ("not_a_function", 400),
        ("unauthorized", 401),
        ("not_found", 404), ("module_not_found", 404), ("export_not_found", 404),
        ("method_not_allowed", 405),
        ("too_large", 413),
        ("invalid_module", 422), ("invalid_wat", 422), ("unsupported_module", 422), ("unknown_import", 422), ("import_type_mismatch", 422),
        ("limit_exceeded", 422), ("trap", 422), ("fuel_exhausted", 422),
        ("overloaded", 503), ("not_ready", 503), ("storage_unavailable", 503),
        ("timeout", 504),
        ("storage_full", 507),
        ("reentrancy_loop", 508),
        ("internal", 500),
    ]

    @Test(arguments: apiTable)
    func eachCodeHasItsDocumentedStatus(code: String, status: Int) throws {
        let parsed = try #require(ErrorCode(rawValue: code), "API.md code \(code) is missing from ErrorCode")
        #expect(parsed.status == status)
        #expect(!parsed.title.isEmpty)
    }

    @Test func everyCodeIsInTheDocumentedTable() {
        let documented = Set(Self.apiTable.map(\.0))
        #expect(Set(ErrorCode.allCases.map(\.rawValue)) == documented)
        #expect(ErrorCode.allCases.count == Self.apiTable.count)
        #expect(Set(ErrorCode.allCases.map(\.title)).count == ErrorCode.allCases.count, "titles are distinct")
    }

    @Test func aProblemIsProblemJSONWithStatusCodeTitleAndDetail() throws {
        var error = APIError(.trap, "integer divide by zero")
        error.extras = [("backtrace", .array([.string("div")]))]
        error.headers = [("X-Extra", "1")]
        let response = error.response
        #expect(response.status == 422)
        #expect(response.headers.first?.name == "Content-Type")
        #expect(response.headers.first?.value == "application/problem+json")
        #expect(response.headers.contains { $0.name == "X-Extra" && $0.value == "1" })
        let body = try JSONParser.parse(response.body)
        #expect(body == .object([
            ("status", .number("422")), ("code", .string("trap")), ("title", .string("WebAssembly trap")),
            ("detail", .string("integer divide by zero")), ("backtrace", .array([.string("div")])),
        ]))
    }

    @Test(arguments: [
        (SandboxError.invalidModule("x"), ErrorCode.invalidModule),
        (.invalidWAT("x"), .invalidWAT),
        (.unknownImport("x"), .unknownImport),
        (.importTypeMismatch("x"), .importTypeMismatch),
        (.limitExceeded("x"), .limitExceeded),
        (.trap(detail: "unreachable", backtrace: []), .trap),
        (.fuelExhausted(limit: 7), .fuelExhausted),
        (.timeout(milliseconds: 5), .timeout),
        (.reentrancyLoop(reason: .depth, chain: ["a.f(1)"]), .reentrancyLoop),
        (.exportNotFound(name: "f", functions: ["g"]), .exportNotFound),
        (.notAFunction(name: "memory", kind: "memory"), .notAFunction),
        (.badArgs("x"), .badArgs),
        (.moduleNotFound("m"), .moduleNotFound),
        (.overloaded, .overloaded),
        (.notReady, .notReady),
        (.internal("x"), .internal),
    ])
    func everySandboxErrorMapsToItsCode(error: SandboxError, code: ErrorCode) {
        #expect(APIError(error).code == code)
    }

    @Test func sandboxErrorsCarryTheirDocumentedExtras() {
        let fuel = APIError(SandboxError.fuelExhausted(limit: 1000))
        #expect(fuel.extras.first?.0 == "limit")
        #expect(fuel.extras.first?.1 == .number("1000"))
        let loop = APIError(SandboxError.reentrancyLoop(reason: .repeatedFrame, chain: ["calc.ping(1)", "calc.ping(1)"]))
        #expect(loop.extras.map(\.0) == ["reason", "chain"])
        #expect(loop.extras.first?.1 == .string("repeat"))
        #expect(loop.extras.last?.1 == .array([.string("calc.ping(1)"), .string("calc.ping(1)")]))
        let trap = APIError(SandboxError.trap(detail: "unreachable", backtrace: ["f", "g"]))
        #expect(trap.extras.first?.1 == .array([.string("f"), .string("g")]))
        #expect(APIError(SandboxError.trap(detail: "unreachable", backtrace: [])).extras.isEmpty)
        let overloaded = APIError(SandboxError.overloaded)
        #expect(overloaded.headers.contains { $0.name == "Retry-After" })
        let missing = APIError(SandboxError.exportNotFound(name: "nope", functions: ["add", "sub"]))
        #expect(missing.detail.contains("add, sub"))
    }

    @Test(arguments: [
        (StoreError.storageFull("full"), ErrorCode.storageFull),
        (.invalidName("X"), .badRequest),
        (.notFound("m"), .moduleNotFound),
        (.unavailable("the module store's file system is read-only (EROFS: Read-only file system)"), .storageUnavailable),
        (.io("the module store cannot open", cause: .errno(EIO, operation: "open /secret/path")), .internal),
        (.unavailable("registry down"), .storageUnavailable),
    ])
    func everyStoreErrorMapsToItsCode(error: StoreError, code: ErrorCode) {
        #expect(APIError(error).code == code)
    }

    @Test func anUnreachableRegistryAsksTheClientToRetry() {
        #expect(APIError(StoreError.unavailable("registry down")).headers.contains { $0.name == "Retry-After" })
    }

    @Test func anIOFailureKeepsItsErrnoForTheLogAndDoesNotLeakIt() {
        let error = APIError(StoreError.io("the module store cannot open", cause: .errno(EIO, operation: "open /var/lib/wasmhost/modules")))
        #expect(!error.detail.contains("/var/lib") && !error.detail.contains("EIO"))
        #expect(error.cause?.contains("open /var/lib/wasmhost/modules: EIO") == true, "\(error.cause ?? "nil")")
    }

    @Test func anInternalSandboxFailureKeepsItsCauseForTheLogOnly() {
        let error = APIError(SandboxError.internal("wasmtime_store_new failed"))
        #expect(error.code == .internal)
        #expect(!error.detail.contains("wasmtime"))
        #expect(error.cause == "wasmtime_store_new failed")
        #expect(!String(decoding: error.response.body, as: UTF8.self).contains("wasmtime"))
    }
}
