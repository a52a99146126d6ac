import ModuleStore

/// A libpq failure: no connection at all, or an error the server reported.
enum PostgresError: Error, Sendable, CustomStringConvertible {
    /// The server cannot be reached or the connection broke.
    case connection(String)
    /// The server answered with an error (`sqlstate` is the five-character code).
    case server(sqlstate: String, message: String)
    /// A result that does not have the expected shape (a bug or a foreign schema).
    case unexpected(String)

    /// `error` as a PostgresError (bodies run by the pool throw nothing else).
    init(_ error: any Error) {
        self = (error as? PostgresError) ?? .unexpected("\(error)")
    }

    /// Unique violation, foreign key violation, serialization failure and
    /// deadlock: a concurrent writer won; the transaction can simply be run again.
    var isRetryable: Bool {
        if case .server(let state, _) = self { return ["23505", "23503", "40001", "40P01"].contains(state) }
        return false
    }

    /// Whether this failure means "the registry is not there right now".
    var meansUnreachable: Bool {
        switch self {
        case .connection: return true
        case .server(let state, _):
            // 08: connection exceptions; 57P0x: shutting down or starting up;
            // 57014: statement timeout; 53300: too many connections.
            return state.hasPrefix("08") || state.hasPrefix("57P") || state == "57014" || state == "53300"
        case .unexpected: return false
        }
    }

    /// The failure as the server log shows it.
    var description: String {
        switch self {
        case .connection(let message): "PostgreSQL connection: \(message)"
        case .server(let state, let message): "PostgreSQL \(state): \(message)"
        case .unexpected(let message): "PostgreSQL result: \(message)"
        }
    }

    /// The client-safe store error; server messages travel as its cause, for the logs.
    var storeError: StoreError {
        meansUnreachable
            ? .unavailable("the module registry (PostgreSQL) cannot be reached; retry shortly")
            : .io("the module registry failed to read or write", cause: .underlying(description))
    }
}
