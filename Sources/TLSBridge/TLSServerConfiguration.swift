/// Everything a `TLSServerContext` is built from. A `Hashable` value, so that a reload (SIGHUP)
/// builds a new context from the same value and the Gateway can tell whether anything changed.
public struct TLSServerConfiguration: Sendable, Hashable {
    /// PEM file: the leaf certificate first, then its intermediates. Served for absent or unknown
    /// SNI names.
    public var certificateChainFile: String
    /// PEM file with the private key of the leaf (PKCS#8 or traditional; not encrypted).
    public var privateKeyFile: String
    /// Further certificates, chosen by the client's `server_name` (RFC 6066 §3). First match wins.
    public var sniCertificates: [SNICertificate]
    /// Offered to ALPN clients in this order of preference (RFC 7301). A client that offers ALPN
    /// but none of these gets a fatal `no_application_protocol` alert (RFC 7301 §3.2); a client
    /// that offers no ALPN at all is served without it.
    public var alpnProtocols: [String]
    /// The lowest version accepted: `.tls12` or `.tls13`. TLS 1.3 is always preferred; older
    /// versions than 1.2 are refused by construction (RFC 8996).
    public var minimumVersion: TLSVersion
    /// OpenSSL cipher list for TLS 1.2 (ECDHE and AEAD only by default).
    public var cipherList: String
    /// OpenSSL cipher-suite list for TLS 1.3 (RFC 8446 §B.4).
    public var cipherSuites: String
    /// Key-exchange groups, most preferred first.
    public var groups: String
    /// Stateless session tickets (RFC 5077, RFC 8446 §4.6.1) encrypted with the context's
    /// `TLSSessionTicketKeys`. On by default: a resumed handshake skips the certificate and the
    /// signature, which is most of a handshake's cost.
    public var sessionTickets: Bool
    /// TLS 1.3 `NewSessionTicket` messages sent after a handshake (OpenSSL's default is 2).
    public var ticketsPerHandshake: Int
    /// How long a session may be resumed, in seconds; at most 7 days (RFC 8446 §4.6.1).
    public var sessionLifetime: Int
    /// Entries of OpenSSL's server-side session cache; 0 turns it off. Only needed for clients
    /// that do not take tickets, or when `sessionTickets` is off.
    public var sessionCacheSize: Int
    /// Whether and how client certificates are asked for (mutual TLS).
    public var clientAuthentication: TLSClientAuthentication

    /// ECDHE with AEAD ciphers only, ECDSA first (the cheaper signature), then RSA.
    public static let defaultCipherList =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
        + "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
        + "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
    /// The three TLS 1.3 suites every client supports.
    public static let defaultCipherSuites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
    /// X25519 first (fastest), then the NIST curves browsers also offer.
    public static let defaultGroups = "X25519:P-256:P-384"

    public init(
        certificateChainFile: String,
        privateKeyFile: String,
        sniCertificates: [SNICertificate] = [],
        alpnProtocols: [String] = ["http/1.1"],
        minimumVersion: TLSVersion = .tls12,
        cipherList: String = TLSServerConfiguration.defaultCipherList,
        cipherSuites: String = TLSServerConfiguration.defaultCipherSuites,
        groups: String = TLSServerConfiguration.defaultGroups,
        sessionTickets: Bool = true,
        ticketsPerHandshake: Int = 1,
        sessionLifetime: Int = 7200,
        sessionCacheSize: Int = 0,
        clientAuthentication: TLSClientAuthentication = .none
    ) {
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
        self.sniCertificates = sniCertificates
        self.alpnProtocols = alpnProtocols
        self.minimumVersion = minimumVersion
        self.cipherList = cipherList
        self.cipherSuites = cipherSuites
        self.groups = groups
        self.sessionTickets = sessionTickets
        self.ticketsPerHandshake = ticketsPerHandshake
        self.sessionLifetime = sessionLifetime
        self.sessionCacheSize = sessionCacheSize
        self.clientAuthentication = clientAuthentication
    }
}
