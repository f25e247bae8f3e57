/// Everything a `TLSClientContext` (the upstream connector's side) is built from.
public struct TLSClientConfiguration: Sendable, Hashable {
    /// Where trusted CA certificates come from.
    public var trustRoots: TLSTrustRoots
    /// How much of the server's identity is checked.
    public var verification: TLSCertificateVerification
    /// PEM chain presented when the server asks for a client certificate (mutual TLS).
    /// Set both this and `clientPrivateKeyFile`, or neither.
    public var clientCertificateChainFile: String?
    /// PEM private key for `clientCertificateChainFile`.
    public var clientPrivateKeyFile: String?
    /// Offered in the ClientHello (RFC 7301 §3.1); empty offers no ALPN.
    public var alpnProtocols: [String]
    /// The lowest version offered. TLS 1.3 is always preferred.
    public var minimumVersion: TLSVersion
    /// The highest version offered; `nil` means the newest OpenSSL has.
    public var maximumVersion: TLSVersion?
    /// OpenSSL cipher list for TLS ≤ 1.2.
    public var cipherList: String
    /// OpenSSL cipher-suite list for TLS 1.3.
    public var cipherSuites: String
    /// Servers whose last session is remembered for resumption (one session per server); 0
    /// turns client-side resumption off.
    public var sessionCacheCapacity: Int
    /// OpenSSL security level override; tests use it to build a deliberately old client.
    var securityLevel: Int32?

    public init(
        trustRoots: TLSTrustRoots = .system,
        verification: TLSCertificateVerification = .full,
        clientCertificateChainFile: String? = nil,
        clientPrivateKeyFile: String? = nil,
        alpnProtocols: [String] = ["http/1.1"],
        minimumVersion: TLSVersion = .tls12,
        maximumVersion: TLSVersion? = nil,
        cipherList: String = TLSServerConfiguration.defaultCipherList,
        cipherSuites: String = TLSServerConfiguration.defaultCipherSuites,
        sessionCacheCapacity: Int = 256
    ) {
        self.trustRoots = trustRoots
        self.verification = verification
        self.clientCertificateChainFile = clientCertificateChainFile
        self.clientPrivateKeyFile = clientPrivateKeyFile
        self.alpnProtocols = alpnProtocols
        self.minimumVersion = minimumVersion
        self.maximumVersion = maximumVersion
        self.cipherList = cipherList
        self.cipherSuites = cipherSuites
        self.sessionCacheCapacity = sessionCacheCapacity
        self.securityLevel = nil
    }
}
