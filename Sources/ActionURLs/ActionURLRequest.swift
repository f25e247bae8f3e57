/// One rendered outgoing Action URL, split for the gateway's HTTP client: connect to `host`
/// and `port` (with TLS when `isTLS`, SNI `host` unless it is an IP address), then send
/// `GET target HTTP/1.1` with `Host: hostHeader`. Every part is printable ASCII without spaces,
/// so it can be written into a request line and header as is (RFC 9112 §3, RFC 9110 §7.2).
public struct ActionURLRequest: Hashable, Sendable {
    public let isTLS: Bool
    /// The host to connect to: a lowercase DNS name, an IPv4 address, or an IPv6 address
    /// without brackets.
    public let host: String
    public let port: Int
    /// Origin-form (RFC 9112 §3.2.1): the path (at least `/`) and the query, if any.
    public let target: String

    public init(isTLS: Bool, host: String, port: Int, target: String) {
        self.isTLS = isTLS
        self.host = host
        self.port = port
        self.target = target
    }

    /// The `Host` field: the host (an IPv6 address in brackets) and `:port` unless it is the
    /// scheme's default (RFC 9110 §7.2).
    public var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (isTLS ? 443 : 80) ? name : "\(name):\(port)"
    }

    /// The whole URL, for logs (it holds no credentials: templates refuse userinfo; query
    /// parameters the operator put there are the operator's to redact).
    public var url: String { (isTLS ? "https://" : "http://") + hostHeader + target }
}
