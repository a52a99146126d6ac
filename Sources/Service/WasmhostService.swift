import Foundation
import HTTPServer
import Logging
import ModuleStore
import Sandbox
import Synchronization

/// The API layer: routing, auth, admission, JSON ⇄ typed values, errors → problem+json.
///
/// Callable without a socket: ``handle(_:)`` takes an `HTTPRequest` and gives
/// an `HTTPHandling`, so most tests need no network.
public final class WasmhostService: HTTPHandler {
    let configuration: ServiceConfiguration
    let store: any ModuleRegistry
    let cache: ModuleCache
    let compiler: ModuleCompiler
    let invoker: Invoker
    let directory: StoreDirectory
    /// Runs guests: configured stack size, bounded concurrency and queue.
    public let workers: WorkerPool
    /// Runs uploads and deletes (validation and fsync) off the event threads.
    let control: WorkerPool
    /// Answers invocations at their deadline when their worker is late.
    let deadlines = DeadlineTimer()
    let logger: Logger
    let metricsText: @Sendable () -> [UInt8]
    let isReady = Atomic<Bool>(true)
    /// What SIGHUP may change while running; read per request.
    let reloadable: Mutex<ReloadableSettings>

    /// Creates the service over an opened store (the directory store or the shared registry).
    /// - Parameter metricsText: renders `/metrics` (the executable owns the Prometheus registry).
    public init(
        configuration: ServiceConfiguration, store: any ModuleRegistry, logger: Logger,
        metricsText: @escaping @Sendable () -> [UInt8] = { [] }
    ) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.metricsText = metricsText
        reloadable = Mutex(ReloadableSettings(configuration))
        cache = ModuleCache(maxBytes: configuration.cacheMaxBytes)
        compiler = ModuleCompiler(configuration: configuration.sandbox)
        invoker = Invoker(configuration: configuration.sandbox)
        directory = StoreDirectory(store: store, cache: cache, compiler: compiler)
        workers = WorkerPool(
            workers: configuration.maxConcurrent, stackBytes: configuration.sandbox.workerStackBytes,
            maxQueue: configuration.maxQueue)
        control = WorkerPool(workers: 2, stackBytes: configuration.sandbox.workerStackBytes, maxQueue: 256)
        // Another replica deleted a module: its compiled code goes too (running calls keep their reference).
        store.onModuleRemoved { [cache] id in cache.remove(id) }
    }

    /// Stops taking new invocations (`/readyz` turns 503) ahead of a shutdown.
    public func drain() { isReady.store(false, ordering: .sequentiallyConsistent) }

    /// Drains, then stops the worker and control pools (they finish what is
    /// queued and their threads exit) and the deadline timer. Call once, after
    /// the HTTP server stopped; later invocations and uploads answer `503`.
    public func shutdown() {
        drain()
        workers.shutdown()
        control.shutdown()
        deadlines.stop()
    }

    /// Handles `request` without a socket and waits for its answer, inline or
    /// deferred: how `wasmhost check` and `run`, the fuzzer and the tests drive
    /// the service.
    /// - Parameter seconds: the longest wait; `nil` waits as long as it takes.
    /// - Returns: the answer, or a `500 internal` problem when none came in time.
    public func answer(_ request: HTTPRequest, waitingAtMost seconds: Double? = nil) -> HTTPResponse {
        handle(request).response(waitingAtMost: seconds)
            ?? APIError(.internal, "no answer within \(seconds ?? 0) s").response
    }

    /// Runs `job` on a guest worker (its stack, its admission) and waits for
    /// its value; `nil` when the pool refused it.
    func onWorkerWaiting<Value: Sendable>(_ job: @escaping @Sendable () -> Value) -> Value? {
        let handoff = Handoff<Value>()
        guard workers.submit({ handoff.put(job()) }) else { return nil }
        return handoff.take()
    }

    /// The reloadable settings in force.
    public var currentSettings: ReloadableSettings { reloadable.withLock { $0 } }

    /// Takes over the reloadable keys of `configuration` (see ``ReloadableSettings``).
    /// - Returns: the keys that changed, each with a printable change.
    @discardableResult
    public func reload(_ configuration: ServiceConfiguration) -> [(key: String, change: String)] {
        let offered = ReloadableSettings(configuration)
        return reloadable.withLock { current in
            let next = current.taking(offered)
            let changes = current.changes(to: next)
            current = next
            return changes
        }
    }

    /// Invocations running and queued.
    public var load: (running: Int, queued: Int) { workers.load }

    public func bodyLimit(method: String, path: String) -> Int {
        if method == "POST" && path.hasSuffix("/v1/modules") { return reloadable.withLock { $0.maxModuleBytes } }
        if method == "PUT" { return reloadable.withLock { $0.maxModuleBytes } }
        if method == "POST" { return reloadable.withLock { $0.maxRequestBytes } }
        return 64 * 1024
    }

    public func response(for error: HTTPServerError) -> HTTPResponse {
        let problem: APIError
        switch error {
        case .bodyTooLarge(let limit): problem = APIError(.tooLarge, "the body is larger than this route's limit of \(limit) bytes")
        case .conflictingContentLength: problem = APIError(.badRequest, "conflicting Content-Length headers")
        case .lengthWithTransferEncoding: problem = APIError(.badRequest, "Content-Length together with Transfer-Encoding is refused")
        case .shuttingDown: problem = APIError(.notReady, "the server is shutting down; this request was not completed")
        }
        var response = problem.response
        response.headers.append(("Connection", "close"))
        ServiceMetrics.request(route: "other", method: "-", status: response.status)
        return response
    }

    public func handle(_ request: HTTPRequest) -> HTTPHandling {
        let exchange = Exchange(request: request)
        do {
            let route = try authorizeAndRoute(request, exchange: exchange)
            return try dispatch(route, request: request, exchange: exchange)
        } catch {
            return .respond(finish(problem(error, exchange), exchange))
        }
    }

    /// Auth (401 before 404 on `/v1`), route match, method check.
    private func authorizeAndRoute(_ request: HTTPRequest, exchange: Exchange) throws(APIError) -> Route {
        if request.path == "/v1" || request.path.hasPrefix("/v1/") { try authorize(request) }
        guard let route = try Route.match(request.path) else {
            throw APIError(.notFound, "no route for \(request.path.prefix(200))")
        }
        exchange.route = route.template
        guard route.allowedMethods.contains(request.method) else {
            var detail = "\(route.template) answers \(route.allowedMethods.joined(separator: ", "))"
            if case .module = route, request.method == "POST" {
                detail += "; to upload under a name, PUT /v1/modules/{name} or POST /v1/modules?name={name}"
            }
            var error = APIError(.methodNotAllowed, detail)
            error.headers = [("Allow", route.allowedMethods.joined(separator: ", "))]
            throw error
        }
        return route
    }

    private func authorize(_ request: HTTPRequest) throws(APIError) {
        guard let token = reloadable.withLock({ $0.authToken }) else { return }
        // The scheme name is case-insensitive (RFC 9110); the token is not.
        let presented = request.header("authorization").flatMap { value -> String? in
            value.prefix(7).lowercased() == "bearer " ? String(value.dropFirst(7)) : nil
        }
        guard let presented, ConstantTime.equal(Array(presented.utf8), Array(token.utf8)) else {
            var error = APIError(.unauthorized, "a valid bearer token is required")
            error.headers = [("WWW-Authenticate", "Bearer")]
            throw error
        }
    }

    private func dispatch(_ route: Route, request: HTTPRequest, exchange: Exchange) throws(APIError) -> HTTPHandling {
        switch route {
        case .health:
            return .respond(finish(Self.json(200, .object([("status", .string("ok"))])), exchange))
        case .ready:
            guard isReady.load(ordering: .relaxed) else { throw APIError(.notReady, "the server is draining") }
            // The store's state is reported, not judged: invocations of stored modules
            // keep working while it cannot be written (or reached).
            var members: [(String, JSONValue)] = [("status", .string("ready")), ("modules", .number(String(store.totals.count)))]
            if let directoryStore = store as? ModuleStore {
                let health = directoryStore.health()
                members.append(("store", .string(health.state)))
                if let detail = health.detail { members.append(("store_detail", .string(detail))) }
            } else {
                members.append(("store", .string(store.reachability.rawValue)))
            }
            let body = JSONValue.object(members)
            return .respond(finish(Self.json(200, body), exchange))
        case .metrics:
            refreshGauges()
            return .respond(finish(HTTPResponse(
                status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")], body: metricsText()), exchange))
        case .openAPI:
            return .respond(finish(HTTPResponse(
                status: 200, headers: [("Content-Type", "application/json")], body: OpenAPIDocument.bytes), exchange))
        case .modules where request.method == "GET":
            return describing(try listed(), asList: true, exchange: exchange)
        case .modules:
            guard isReady.load(ordering: .relaxed) else { throw APIError(.notReady, "the server is draining and takes no uploads") }
            return onControlThread(exchange) { [self] () throws(APIError) in try upload(request) }
        case .module(let ref) where request.method == "GET":
            let record = try lookUp(ref)
            exchange.moduleID = record.id
            return describing([record], asList: false, exchange: exchange)
        case .module(let name) where request.method == "PUT":
            guard isReady.load(ordering: .relaxed) else { throw APIError(.notReady, "the server is draining and takes no uploads") }
            return onControlThread(exchange) { [self] () throws(APIError) in try upload(request, pathName: name) }
        case .moduleOpenAPI(let ref):
            return .respond(finish(Self.json(200, try moduleOpenAPI(ref, exchange: exchange)), exchange))
        case .module(let ref):
            guard isReady.load(ordering: .relaxed) else { throw APIError(.notReady, "the server is draining and takes no deletes") }
            return onControlThread(exchange) { [self] () throws(APIError) in try delete(ref, exchange: exchange) }
        case .invoke(let ref, let export):
            return try invoke(ref: ref, export: export, request: request, exchange: exchange)
        case .console:
            return .respond(finish(try ConsoleAssets.response(for: ConsoleAssets.indexName, request), exchange))
        case .consoleAsset(let name):
            return .respond(finish(try ConsoleAssets.response(for: name, request), exchange))
        }
    }

    /// Runs `work` on the control pool and answers when it is done.
    func onControlThread(_ exchange: Exchange, _ work: @escaping @Sendable () throws(APIError) -> HTTPResponse) -> HTTPHandling {
        .deferred { [self] complete in
            let accepted = control.submit {
                let response: HTTPResponse
                do throws(APIError) { response = try work() } catch { response = self.problem(error, exchange) }
                complete(self.finish(response, exchange))
            }
            if !accepted { complete(finish(APIError(.overloaded, "too many uploads in progress").response, exchange)) }
        }
    }

    func refreshGauges() {
        let totals = store.totals
        let load = workers.load
        ServiceMetrics.refresh(
            modules: totals.count, storedBytes: totals.bytes, cache: cache.statistics,
            running: load.running, queued: load.queued, storeReachable: store.reachability == .ok)
    }

    static func json(_ status: Int, _ value: JSONValue, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: JSONWriter.encode(value))
    }
}

/// Compares secrets in time that depends only on the presented length.
enum ConstantTime {
    static func equal(_ presented: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference = UInt(bitPattern: presented.count ^ expected.count)
        for index in 0..<presented.count {
            difference |= UInt(presented[index] ^ (expected.isEmpty ? 0 : expected[index % expected.count]))
        }
        return difference == 0
    }
}
