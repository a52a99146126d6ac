import Glibc

/// Failures of the module store. Each carries a client-safe message; file
/// paths, errno values and lower layers' messages travel in a ``Cause`` that
/// only the logs show.
public enum StoreError: Error, Sendable, Equatable {
    /// What failed underneath an I/O error: for the server log, never for clients.
    public enum Cause: Sendable, Equatable, CustomStringConvertible {
        /// A system call failed with this errno.
        case errno(Int32, operation: String)
        /// A lower layer (e.g. libpq) failed with this message.
        case underlying(String)

        public var description: String {
            switch self {
            case .errno(let code, let operation):
                "\(operation): \(DurableFile.errnoName(code)) (\(String(cString: strerror(code))))"
            case .underlying(let message): message
            }
        }
    }

    /// The disk is full or the store's quota is used up.
    case storageFull(String)
    /// A name does not match `[a-z0-9][a-z0-9._-]{0,63}` or looks like an id.
    case invalidName(String)
    /// No module with this id or name.
    case notFound(String)
    /// An I/O failure that is not the client's doing, with what failed underneath.
    case io(String, cause: Cause)
    /// The store cannot be used now for a reason outside the client's control that
    /// may pass: the shared registry cannot be reached, or the directory store's
    /// file system is read-only, refuses permission or fails (the message names
    /// the errno, e.g. `EROFS`). Retrying later may succeed.
    case unavailable(String)
}
