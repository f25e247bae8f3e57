/// The CA certificates a peer's chain must end in.
public enum TLSTrustRoots: Sendable, Hashable {
    /// The system bundle, found where OpenSSL was built to look (`/usr/lib/ssl/certs` and
    /// `cert.pem` on Debian, i.e. `/etc/ssl/certs`); honours `SSL_CERT_FILE` and `SSL_CERT_DIR`.
    case system
    /// A PEM file with one or more CA certificates (a self-signed leaf works too).
    case file(String)
}
