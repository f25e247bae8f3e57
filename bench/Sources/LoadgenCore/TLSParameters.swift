/// What a wss connection negotiated, as OpenSSL names it: recorded from the first TLS handshake of a
/// run, so that two servers' figures are known to come from the same protocol version, suite and
/// key exchange.
public struct TLSParameters: Equatable, Sendable {
    /// "TLSv1.3" or "TLSv1.2".
    public var version: String
    /// For example "TLS_AES_128_GCM_SHA256".
    public var cipher: String
    /// The key-exchange group, for example "x25519"; nil if OpenSSL cannot name it.
    public var group: String?
    /// The ALPN protocol the server selected (RFC 7301), nil if it selected none.
    public var alpn: String?
    /// The server certificate's key, for example "EC prime256v1".
    public var peerKey: String?

    public init(version: String, cipher: String, group: String?, alpn: String?, peerKey: String?) {
        self.version = version
        self.cipher = cipher
        self.group = group
        self.alpn = alpn
        self.peerKey = peerKey
    }

    /// One short phrase for the human-readable line.
    public var summary: String {
        var parts = [self.version, self.cipher]
        if let group = self.group { parts.append(group) }
        if let peerKey = self.peerKey { parts.append(peerKey) }
        parts.append("ALPN " + (self.alpn ?? "none"))
        return parts.joined(separator: " ")
    }
}
