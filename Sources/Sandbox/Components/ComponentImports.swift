/// The imports a component may have (API.md, "Components"): the WASI 0.2
/// interfaces for cli, io, clocks, random and filesystem, and the wasmhost host
/// interface. Sockets and outgoing HTTP are not provided.
public enum ComponentImports {
    /// The host interface's full name; its WIT ships as `wasmhost-host.wit`.
    public static let hostInterface = "wasmhost:host/api@1.0.0"
    /// WASI 0.2 packages provided.
    static let wasiPackages = ["wasi:cli/", "wasi:io/", "wasi:clocks/", "wasi:random/", "wasi:filesystem/"]

    /// Refuses an import this host does not provide.
    static func check(_ imports: [String]) throws(SandboxError) {
        for name in imports where !isProvided(name) {
            throw .unknownImport(
                "component import '\(name)' is not provided; this host provides WASI 0.2 cli, io, clocks, random "
                    + "and filesystem (nothing preopened), and \(hostInterface)")
        }
    }

    static func isProvided(_ name: String) -> Bool {
        if name == hostInterface { return true }
        // WASI 0.2.x only: Wasmtime 50 links 0.2 and treats its patch releases as compatible.
        return wasiPackages.contains { name.hasPrefix($0) } && name.contains("@0.2.")
    }
}
