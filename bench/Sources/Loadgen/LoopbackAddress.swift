#if canImport(Glibc)
import Glibc
#endif

/// The server's address. The load generator only ever connects to loopback (127.0.0.0/8).
struct LoopbackAddress {
    let socketAddress: sockaddr_in
    /// The numeric host, for the Host header.
    let host: String
    /// host:port, for messages.
    let display: String

    init(host: String, port: Int) throws(LoadgenError) {
        let numeric = host == "localhost" ? "127.0.0.1" : host
        var address = in_addr()
        guard inet_pton(AF_INET, numeric, &address) == 1 else {
            throw .usage("--host must be an IPv4 loopback address such as 127.0.0.1 (or localhost), got '\(host)'")
        }
        guard UInt32(bigEndian: address.s_addr) >> 24 == 127 else {
            throw .usage("--host \(host) is not loopback: this load generator only targets 127.0.0.0/8")
        }
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = in_port_t(UInt16(port).bigEndian)
        socketAddress.sin_addr = address
        self.socketAddress = socketAddress
        self.host = numeric
        self.display = "\(numeric):\(port)"
    }
}
