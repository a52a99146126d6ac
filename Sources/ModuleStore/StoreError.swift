/// Failures of the module store. Each carries a client-safe message; file
/// paths and errno values stay in the logs.
public enum StoreError: Error, Sendable, Equatable {
    /// The disk is full or the store's quota is used up.
    case storageFull(String)
    /// A name does not match `[a-z0-9][a-z0-9._-]{0,63}` or looks like an id.
    case invalidName(String)
    /// No module with this id or name.
    case notFound(String)
    /// An I/O failure that is not the client's doing.
    case io(String)
    /// The store cannot be used now for a reason outside the client's control that
    /// may pass: the shared registry cannot be reached, or the directory store's
    /// file system is read-only, refuses permission or fails (the message names
    /// the errno, e.g. `EROFS`). Retrying later may succeed.
    case unavailable(String)
}
