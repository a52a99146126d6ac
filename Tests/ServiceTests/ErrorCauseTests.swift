import Foundation
import Glibc
import HTTPServer
import Logging
import ModuleStore
import Sandbox
import Synchronization
import Testing
@testable import Service

/// The cause of an `internal` answer reaches the log once, with the request
/// id, and never the client.
@Suite(.timeLimit(.minutes(3)))
struct ErrorCauseTests {
    /// A directory store whose module bytes cannot be read (EIO).
    struct UnreadableBytes: ModuleRegistry {
        let store: ModuleStore
        func put(_ bytes: [UInt8], name: String?) throws(StoreError) -> PutResult { try store.put(bytes, name: name) }
        func put(_ bytes: [UInt8], name: String?, description: [UInt8]?) throws(StoreError) -> PutResult {
            try store.put(bytes, name: name, description: description)
        }
        func resolve(_ ref: String) throws(StoreError) -> ModuleRecord? { try store.resolve(ref) }
        func list() throws(StoreError) -> [ModuleRecord] { try store.list() }
        func bytes(of id: String) throws(StoreError) -> [UInt8] {
            throw .io("the module store cannot read", cause: .errno(EIO, operation: "read /srv/secret/\(id).wasm"))
        }
        func delete(_ ref: String) throws(StoreError) -> ModuleRecord { try store.delete(ref) }
        var totals: (count: Int, bytes: Int) { store.totals }
        var reachability: StoreReachability { store.reachability }
        func onModuleRemoved(_ handler: @escaping @Sendable (String) -> Void) { store.onModuleRemoved(handler) }
    }

    /// Keeps every log record.
    final class Records: Sendable {
        let lines = Mutex<[(level: Logger.Level, message: String, metadata: Logger.Metadata)]>([])
        var logger: Logger {
            Logger(label: "test") { _ in Handler(records: self) }
        }

        struct Handler: LogHandler {
            let records: Records
            var metadata: Logger.Metadata = [:]
            var logLevel: Logger.Level = .trace
            subscript(metadataKey key: String) -> Logger.Metadata.Value? {
                get { metadata[key] }
                set { metadata[key] = newValue }
            }
            func log(event: LogEvent) {
                records.lines.withLock { $0.append((event.level, "\(event.message)", event.metadata ?? [:])) }
            }
        }
    }

    @Test func anUnreadableModuleIsA500WhoseErrnoIsLoggedOnceWithTheRequestID() throws {
        let directory = NSTemporaryDirectory() + "wasmhost-cause-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let records = Records()
        let store = try ModuleStore(dataDirectory: directory, logger: records.logger)
        // Stored behind the service's back: its compiled-module cache is empty.
        let binary = try ModuleCompiler(configuration: SandboxConfiguration()).binary(from: Array(ServiceHandleTests.calc.utf8))
        let put = try store.put(binary, name: "calc")
        let service = WasmhostService(configuration: .init(), store: UnreadableBytes(store: store), logger: records.logger)
        defer { service.shutdown() }

        let response = service.answer(
            HTTPRequest(method: "POST", path: "/v1/modules/calc/invoke/add", body: Array(#"{"args":[1,2]}"#.utf8)), waitingAtMost: 10)
        #expect(response.status == 500)
        let body = String(decoding: response.body, as: UTF8.self)
        #expect(body.contains("\"internal\"") && !body.contains("/srv/secret") && !body.contains("EIO"), "\(body)")
        let requestID = try #require(response.header("X-Request-Id"))
        let failures = records.lines.withLock { $0.filter { $0.level == .error } }
        #expect(failures.count == 1)
        #expect(failures.first?.metadata["request_id"] == .string(requestID))
        let cause = "\(failures.first?.metadata["cause"] ?? "")"
        #expect(cause.contains("read /srv/secret/\(put.record.id).wasm: EIO"), "\(cause)")
    }
}
