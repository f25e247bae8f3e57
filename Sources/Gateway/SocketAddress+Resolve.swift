import Glibc
import CLinux

extension SocketAddress {
    /// Resolves `host` with getaddrinfo (blocking: called at start, never on a loop thread);
    /// numeric addresses and `localhost` need no lookup. The first address returned wins.
    static func resolve(host: String, port: UInt16) throws(ParseError) -> SocketAddress {
        if let numeric = try? SocketAddress(parsing: host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)") {
            return numeric
        }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        defer { if let list { freeaddrinfo(list) } }
        guard status == 0, let first = list, let address = first.pointee.ai_addr else {
            throw .malformed("\(host): \(String(cString: gai_strerror(status)))")
        }
        var storage = sockaddr_storage()
        memcpy(&storage, address, Int(first.pointee.ai_addrlen))
        guard let resolved = SocketAddress(storage) else { throw .malformed("\(host): no IPv4 or IPv6 address") }
        return resolved
    }
}
