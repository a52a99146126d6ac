import Foundation
import Logging
import ModuleStore
import Synchronization

/// The thread that keeps one replica's index current.
///
/// It holds its own connection with `LISTEN`, and after every (re)connect it
/// reloads the whole index, so nothing announced while it was away is lost:
/// a notification either arrives on the live connection or its effect is in
/// the reload. Each notification names what changed; the listener reads that
/// row again and applies what the database holds now. When idle it pings the
/// server, so an outage shows in `/readyz` within about a second.
final class ChangeListener: Sendable {
    /// How long to wait for a notification before pinging the server.
    static let pingMilliseconds = 1000
    /// Pause between reconnect attempts.
    static let retryMilliseconds = 300

    /// Strong: the thread keeps the store alive until it has seen `stop()`.
    private let store: PostgresStore
    private let stopped = Atomic<Bool>(false)

    init(store: PostgresStore) {
        self.store = store
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "wasmhost-registry-listener"
        thread.start()
    }

    func stop() { stopped.store(true, ordering: .relaxed) }

    private var isStopped: Bool { stopped.load(ordering: .relaxed) }

    private func run() {
        var wasConnected = true
        while !isStopped {
            do {
                let connection = try PGConnection(configuration: store.configuration)
                try connection.execute(RegistrySQL.listen)
                store.replaceIndex(with: try connection.execute(RegistrySQL.allModules))
                store.reachable.set(true)
                if !wasConnected { store.logger.notice("registry reachable again; names resynchronised") }
                wasConnected = true
                try follow(connection)
            } catch {
                store.reachable.set(false)
                if wasConnected {
                    store.logger.error("registry listener lost its connection; retrying", metadata: ["error": "\(error)"])
                }
                wasConnected = false
                Thread.sleep(forTimeInterval: Double(Self.retryMilliseconds) / 1000)
            }
        }
    }

    /// Applies notifications until the connection fails or the listener stops.
    private func follow(_ connection: PGConnection) throws(PostgresError) {
        while !isStopped {
            if try !connection.waitForInput(milliseconds: Self.pingMilliseconds) {
                try connection.execute("SELECT 1")
            }
            var changes: [RegistryChange] = []
            for notification in try connection.notifications() {
                guard let change = RegistryChange(payload: notification.payload) else { continue }
                if !changes.contains(change) { changes.append(change) }
            }
            for change in changes { try apply(change, reading: connection) }
        }
    }

    /// Reads the changed row again and installs what the database holds now.
    private func apply(_ change: RegistryChange, reading connection: PGConnection) throws(PostgresError) {
        switch change {
        case .module(let id):
            let record = RegistrySQL.records(try connection.execute(RegistrySQL.moduleByID, [.text(id)])).first
            store.state.withLock { state in
                state.index.apply(module: id, record)
                state.listenerChanged([id])
            }
            if record == nil { store.announceRemovals([id]) }
        case .name(let name):
            let target = try connection.execute(RegistrySQL.nameTarget, [.text(name)]).text(0, 0)
            let known = target.map { id in store.state.withLock { $0.index.modules[id] != nil } } ?? true
            // A name moved onto a module this replica has not seen: load that module too.
            let record = known ? nil : target.flatMap { id in
                try? RegistrySQL.records(connection.execute(RegistrySQL.moduleByID, [.text(id)])).first
            }
            store.state.withLock { state in
                if let record { state.index.apply(module: record.id, record) }
                state.index.apply(name: name, pointingAt: target)
                state.listenerChanged([name])
            }
        }
    }
}
