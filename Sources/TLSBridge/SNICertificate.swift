/// A certificate served to clients whose `server_name` (RFC 6066 §3) matches one of `serverNames`.
public struct SNICertificate: Sendable, Hashable {
    /// Exact host names (`"agents.example.com"`) or one-label wildcards (`"*.example.com"`, which
    /// matches `"a.example.com"` but neither `"example.com"` nor `"a.b.example.com"`).
    /// Compared case-insensitively, ignoring one trailing dot.
    public var serverNames: [String]
    /// PEM file: leaf first, then intermediates.
    public var certificateChainFile: String
    /// PEM file with the leaf's private key.
    public var privateKeyFile: String

    public init(serverNames: [String], certificateChainFile: String, privateKeyFile: String) {
        self.serverNames = serverNames
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
    }
}
