/// The one error type of TLSBridge (docs/style.md §7): what failed, and OpenSSL's error queue drained at
/// the moment it failed, with the library's own reason texts.
///
/// A `struct` with a `Kind` rather than a bare `enum`, so that every failure carries the same
/// diagnostic payload (`operation` and `reasons`) without repeating it in each case.
public struct TLSError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, coarsely; `reasons` says precisely.
    public enum Kind: Hashable, Sendable, CustomStringConvertible {
        /// A setting was rejected: cipher list, groups, ALPN list, protocol versions, trust roots.
        case configuration
        /// A certificate or private key could not be loaded, or the key does not match.
        case certificate
        /// The peer's certificate failed verification (chain, validity or host name).
        case certificateVerification
        /// The handshake failed: no shared version or cipher, an alert, malformed messages.
        case handshake
        /// A record-layer failure after the handshake: bad MAC, malformed record, unexpected message.
        case protocolViolation
        /// The engine cannot do this now (writing before the handshake completed or after shutdown).
        case notReady
        /// Reading or writing a file of the state folder failed (self-signed certificate).
        case file
        /// Memory exhausted or an OpenSSL state TLSBridge does not expect.
        case `internal`

        public var description: String {
            switch self {
            case .configuration: "configuration"
            case .certificate: "certificate"
            case .certificateVerification: "certificate verification"
            case .handshake: "handshake"
            case .protocolViolation: "protocol violation"
            case .notReady: "not ready"
            case .file: "file"
            case .internal: "internal"
            }
        }
    }

    /// What failed, coarsely.
    public var kind: Kind
    /// What TLSBridge was doing, e.g. `SSL_do_handshake` or `SSL_CTX_use_PrivateKey_file(key.pem)`.
    public var operation: String
    /// OpenSSL's reason texts, oldest first (e.g. `"certificate verify failed"`), each followed by
    /// the library's extra data when it has some; never empty for a failure OpenSSL reported.
    public var reasons: [String]

    public init(kind: Kind, operation: String, reasons: [String]) {
        self.kind = kind
        self.operation = operation
        self.reasons = reasons
    }

    public var description: String {
        let because = reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; ")
        return "TLS \(kind) error in \(operation)\(because)"
    }
}
