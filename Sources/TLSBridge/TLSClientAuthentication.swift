/// Whether a server asks its clients for a certificate (RFC 8446 §4.3.2, RFC 5246 §7.4.4).
public enum TLSClientAuthentication: Sendable, Hashable {
    /// No certificate is requested.
    case none
    /// A certificate is requested; one that is sent must verify against `trustFile` (PEM CA
    /// certificates), but a client may send none.
    case optional(trustFile: String)
    /// A certificate is required and must verify against `trustFile`.
    case required(trustFile: String)
}
