import Foundation

/// At most `poolSize` connections, each lent to one caller at a time.
///
/// A broken connection is dropped rather than returned, and a new one is
/// opened on the next checkout, so the pool recovers by itself once the
/// server is back. Every connect and every lost connection updates `reachability`.
final class ConnectionPool: @unchecked Sendable {
    // Safety: `idle` and `open` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var idle: [PGConnection] = []
    private var open = 0
    private let configuration: PostgresConfiguration
    private let reachability: ReachabilityFlag

    init(configuration: PostgresConfiguration, reachability: ReachabilityFlag) {
        self.configuration = configuration
        self.reachability = reachability
    }

    /// Lends a connection to `body`. A connection whose session broke is closed;
    /// a healthy one goes back to the pool.
    ///
    /// An idle connection may have died with a server restart without libpq
    /// knowing yet: when a reused one fails that way, the other idle ones are
    /// closed too and `body` runs once more on a fresh connection. Every body
    /// is a whole transaction or a read, so running it again is safe.
    func with<T>(_ body: (PGConnection) throws -> T) throws(PostgresError) -> T {
        let (connection, reused) = try checkout()
        do {
            let value = try body(connection)
            checkin(connection)
            return value
        } catch {
            checkin(connection)
            let error = PostgresError(error)
            guard error.meansUnreachable else { throw error }
            guard reused, case .connection = error else {
                reachability.set(false)
                throw error
            }
            closeIdle()
            return try with(body)
        }
    }

    /// Closes every idle connection (after one turned out dead).
    private func closeIdle() {
        condition.lock()
        open -= idle.count
        idle.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    private func checkout() throws(PostgresError) -> (PGConnection, reused: Bool) {
        let deadline = Date().addingTimeInterval(Double(configuration.poolWaitMilliseconds) / 1000)
        condition.lock()
        while idle.isEmpty && open >= configuration.poolSize {
            guard condition.wait(until: deadline) else {
                condition.unlock()
                throw .connection("no pooled connection became free in \(configuration.poolWaitMilliseconds) ms")
            }
        }
        if let connection = idle.popLast() {
            condition.unlock()
            return (connection, true)
        }
        open += 1
        condition.unlock()
        do {
            let connection = try PGConnection(configuration: configuration)
            reachability.set(true)
            return (connection, false)
        } catch {
            release(nil)
            reachability.set(false)
            throw error
        }
    }

    private func checkin(_ connection: PGConnection) {
        release(connection.isHealthy ? connection : nil)
    }

    /// Gives a slot back: the connection to reuse, or nil when it was closed.
    private func release(_ connection: PGConnection?) {
        condition.lock()
        if let connection { idle.append(connection) } else { open -= 1 }
        condition.signal()
        condition.unlock()
    }
}
