import CLibPQ
import CPostgres
import Glibc

/// One libpq connection. Used by one thread at a time: the pool hands it out
/// exclusively, and the listener owns its own.
final class PGConnection: @unchecked Sendable {
    // Safety: `handle` is only touched by the thread that holds the connection
    // (the pool's checkout or the listener thread), never concurrently.
    private let handle: OpaquePointer

    /// Connects, with `connect_timeout` and TCP keepalives layered over the
    /// user's connection string (later keywords win in libpq), then sets
    /// `statement_timeout` for the session (leaving the URL's own `options` alone).
    init(configuration: PostgresConfiguration) throws(PostgresError) {
        let settings: [(String, String)] = [
            ("dbname", configuration.url),
            ("connect_timeout", String(configuration.connectTimeoutSeconds)),
            ("application_name", "wasmhost"),
            ("keepalives", "1"), ("keepalives_idle", "5"), ("keepalives_interval", "2"), ("keepalives_count", "2"),
        ]
        let connection = Self.withCStrings(settings.map(\.0)) { keys in
            Self.withCStrings(settings.map(\.1)) { values in PQconnectdbParams(keys, values, 1) }
        }
        guard let connection else { throw .connection("out of memory") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.message(PQerrorMessage(connection))
            PQfinish(connection)
            throw .connection(message)
        }
        handle = connection
        wh_pq_silence_notices(connection)
        try execute(
            "SELECT set_config('statement_timeout', $1, false)",
            [.text("\(configuration.statementTimeoutMilliseconds)ms")])
    }

    deinit { PQfinish(handle) }

    /// False once the connection broke; the pool drops such connections.
    var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK }

    /// Runs one statement with bound parameters and copies its rows out.
    /// - Parameter binaryResult: ask for binary column values (raw `bytea`).
    @discardableResult
    func execute(_ sql: String, _ parameters: [PGParameter] = [], binaryResult: Bool = false) throws(PostgresError) -> PGRows {
        let result = PGParameter.withBound(parameters) { values, lengths, formats in
            PQexecParams(handle, sql, Int32(parameters.count), nil, values, lengths, formats, binaryResult ? 1 : 0)
        }
        guard let result else { throw .connection(Self.message(PQerrorMessage(handle))) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            return PGRows(result)
        default:
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
            let message = Self.message(PQresultErrorMessage(result))
            if state.isEmpty || !isHealthy { throw .connection(message) }
            throw .server(sqlstate: state, message: message)
        }
    }

    /// Runs `body` inside `BEGIN … COMMIT`; any error rolls back.
    func transaction<T>(_ body: (PGConnection) throws -> T) throws(PostgresError) -> T {
        try execute("BEGIN")
        do {
            let value = try body(self)
            try execute("COMMIT")
            return value
        } catch {
            if isHealthy { _ = try? execute("ROLLBACK") }
            throw PostgresError(error)
        }
    }

    /// Notifications that have arrived, after reading what the socket holds.
    func notifications() throws(PostgresError) -> [(channel: String, payload: String)] {
        guard PQconsumeInput(handle) == 1 else { throw .connection(Self.message(PQerrorMessage(handle))) }
        var received: [(channel: String, payload: String)] = []
        while let notify = PQnotifies(handle) {
            received.append((String(cString: notify.pointee.relname), String(cString: notify.pointee.extra)))
            PQfreemem(notify)
        }
        return received
    }

    /// Waits up to `milliseconds` for input (a notification); false on timeout.
    func waitForInput(milliseconds: Int) throws(PostgresError) -> Bool {
        switch wh_pq_wait_readable(handle, Int32(milliseconds)) {
        case 1: return true
        case 0: return false
        default: throw .connection("the connection's socket is gone")
        }
    }

    private static func message(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "unknown libpq error" }
        return String(cString: text).trimmingSuffix()
    }

    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        return body(copies.map { UnsafePointer($0) } + [nil])
    }
}

extension String {
    fileprivate func trimmingSuffix() -> String {
        var text = self
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }
}
