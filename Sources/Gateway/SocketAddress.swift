import Glibc
import CLinux

/// An IPv4 or IPv6 address with a port, parsed from `HOST:PORT` or `[V6HOST]:PORT`.
struct SocketAddress: Sendable, CustomStringConvertible {
    enum Storage: Sendable {
        case v4(sockaddr_in)
        case v6(sockaddr_in6)
    }
    var storage: Storage

    enum ParseError: Error, CustomStringConvertible {
        case malformed(String)
        var description: String {
            switch self { case .malformed(let text): "expected HOST:PORT or [IPV6]:PORT with a numeric address, got \"\(text)\"" }
        }
    }

    init(parsing text: String) throws(ParseError) {
        let host: Substring, portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw .malformed(text) }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw .malformed(text) }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard let port = UInt16(portText) else { throw .malformed(text) }
        let hostName = host == "localhost" ? "127.0.0.1" : String(host)
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, hostName, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            storage = .v4(v4)
            return
        }
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, hostName, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            storage = .v6(v6)
            return
        }
        throw .malformed(text)
    }

    /// Reads the address of an accepted peer or a bound socket.
    init?(_ raw: sockaddr_storage) {
        var raw = raw
        switch Int32(raw.ss_family) {
        case AF_INET: storage = .v4(withUnsafeBytes(of: &raw) { $0.load(as: sockaddr_in.self) })
        case AF_INET6: storage = .v6(withUnsafeBytes(of: &raw) { $0.load(as: sockaddr_in6.self) })
        default: return nil
        }
    }

    var family: Int32 {
        switch storage { case .v4: AF_INET; case .v6: AF_INET6 }
    }

    var port: UInt16 {
        get {
            switch storage {
            case .v4(let address): UInt16(bigEndian: address.sin_port)
            case .v6(let address): UInt16(bigEndian: address.sin6_port)
            }
        }
        set {
            switch storage {
            case .v4(var address): address.sin_port = newValue.bigEndian; storage = .v4(address)
            case .v6(var address): address.sin6_port = newValue.bigEndian; storage = .v6(address)
            }
        }
    }

    /// The numeric host, e.g. `127.0.0.1` or `::1` (the per-address connection limit keys on it).
    var host: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        switch storage {
        case .v4(var address): inet_ntop(AF_INET, &address.sin_addr, &buffer, socklen_t(buffer.count))
        case .v6(var address): inet_ntop(AF_INET6, &address.sin6_addr, &buffer, socklen_t(buffer.count))
        }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `text` as a numeric address in the form peers' addresses are written in (`host`), so
    /// that a configured `::0:1` matches a peer `::1`; nil for anything but an IPv4 or IPv6 address.
    static func numericHost(_ text: String) -> String? {
        guard text != "localhost" else { return nil }
        let parsed = (try? SocketAddress(parsing: "\(text):0")) ?? (try? SocketAddress(parsing: "[\(text)]:0"))
        return parsed?.host
    }

    /// Whether binding both would give one port to two listeners: the same port (not 0, which
    /// picks a free one) and the same host, or either host the wildcard of its family.
    func overlaps(_ other: SocketAddress) -> Bool {
        guard port != 0, port == other.port else { return false }
        let wildcards: Set<String> = ["0.0.0.0", "::"]
        return host == other.host || wildcards.contains(host) || wildcards.contains(other.host)
    }

    var description: String { family == AF_INET6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Calls `body` with the address as a `sockaddr` pointer and its length.
    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        switch storage {
        case .v4(var address):
            return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        case .v6(var address):
            return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        }
    }
}
