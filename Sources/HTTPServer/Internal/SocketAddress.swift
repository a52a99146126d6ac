import Glibc

/// A numeric IPv4 or IPv6 socket address, built for `MHD_OPTION_SOCK_ADDR`.
struct SocketAddress {
    /// The address bytes; kept alive for as long as the daemon may read them.
    let storage: UnsafeMutablePointer<sockaddr_storage>
    let isIPv6: Bool

    /// Parses a numeric host (`127.0.0.1`, `::1`, `[::1]`) and port.
    init?(host: String, port: UInt16) {
        var host = host
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        storage = .allocate(capacity: 1)
        storage.initialize(to: sockaddr_storage())
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            isIPv6 = false
            storage.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                $0.pointee.sin_family = sa_family_t(AF_INET)
                $0.pointee.sin_port = port.bigEndian
                $0.pointee.sin_addr = v4
            }
        } else if inet_pton(AF_INET6, host, &v6) == 1 {
            isIPv6 = true
            storage.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                $0.pointee.sin6_family = sa_family_t(AF_INET6)
                $0.pointee.sin6_port = port.bigEndian
                $0.pointee.sin6_addr = v6
            }
        } else {
            storage.deallocate()
            return nil
        }
    }

    func release() { storage.deallocate() }
}
