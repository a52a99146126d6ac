import CMicroHTTPD
import Synchronization

/// The connections suspended while their answer is prepared elsewhere.
///
/// libmicrohttpd aborts the whole process when `MHD_stop_daemon` finds a
/// suspended connection, so the server keeps count of them: every suspended
/// connection is either resumed by its work or, at shutdown, resumed with the
/// handler's shutdown answer. Resuming happens exactly once, whichever comes
/// first; a late answer from the work is dropped.
final class SuspendedConnections: @unchecked Sendable {
    // Safety: every field is guarded by `table`'s mutex. The raw connection
    // pointers are only handed to MHD_resume_connection, which libmicrohttpd
    // documents as callable from any thread, and only while suspended.
    private struct Entry: @unchecked Sendable {
        let connection: OpaquePointer
        let state: RequestState
    }

    private struct Table {
        /// Suspended, waiting for their answer.
        var waiting: [ObjectIdentifier: Entry] = [:]
        /// Resumed, but the event thread has not taken the answer yet: libmicrohttpd
        /// still counts them as suspended until it does.
        var resuming: Set<ObjectIdentifier> = []
        /// Set by ``closeAll(with:)``: nothing new is suspended after it.
        var closing = false
    }

    private let table = Mutex(Table())

    /// Suspends `connection` for `state` and records it. Returns false once the
    /// server is closing: the caller then answers at once instead. Suspending
    /// happens under the lock, so ``closeAll(with:)`` never resumes a connection
    /// that is not suspended yet.
    func suspend(_ connection: OpaquePointer, state: RequestState) -> Bool {
        table.withLock { table in
            guard !table.closing else { return false }
            table.waiting[ObjectIdentifier(state)] = Entry(connection: connection, state: state)
            MHD_suspend_connection(connection)
            return true
        }
    }

    /// Resumes the connection of `state` with `response`, unless it was already resumed.
    func resume(_ state: RequestState, with response: HTTPResponse) {
        let taken = table.withLock { table -> Entry? in
            guard let entry = table.waiting.removeValue(forKey: ObjectIdentifier(state)) else { return nil }
            table.resuming.insert(ObjectIdentifier(state))
            return entry
        }
        // Outside the lock: no libmicrohttpd call is made while holding it. The
        // connection stays suspended until this call, and only the one who took
        // its entry makes it.
        guard let taken else { return }
        Self.answer(taken, with: response)
    }

    private static func answer(_ entry: Entry, with response: HTTPResponse) {
        entry.state.pendingResponse.withLock { $0 = response }
        MHD_resume_connection(entry.connection)
    }

    /// The event thread took the answer of `state` (or the connection ended).
    func settled(_ state: RequestState) {
        _ = table.withLock { $0.resuming.remove(ObjectIdentifier(state)) }
    }

    /// Connections suspended or resumed and not yet answered.
    var outstanding: Int {
        table.withLock { $0.waiting.count + $0.resuming.count }
    }

    /// True once ``closeAll(with:)`` ran.
    var isClosing: Bool { table.withLock { $0.closing } }

    /// Refuses new suspensions and resumes every waiting connection with `response`.
    /// - Returns: how many connections were answered this way.
    @discardableResult
    func closeAll(with response: HTTPResponse) -> Int {
        let waiting = table.withLock { table in
            table.closing = true
            let waiting = table.waiting
            table.waiting = [:]
            table.resuming.formUnion(waiting.keys)
            return waiting
        }
        for entry in waiting.values { Self.answer(entry, with: response) }
        return waiting.count
    }
}
