/// How a client checks the server's certificate.
public enum TLSCertificateVerification: Sendable, Hashable {
    /// The chain must verify against the trust roots, and the certificate must name the host the
    /// engine was created for (a DNS name, or an IP address SAN for an IP literal; RFC 6125).
    case full
    /// The chain must verify; the name is not checked.
    case noHostnameVerification
    /// Nothing is checked. For tests and closed networks only.
    case none
}
