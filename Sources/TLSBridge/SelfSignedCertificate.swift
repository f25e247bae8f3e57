internal import COpenSSL
internal import Glibc

/// The embedded default certificate: with no certificate configured, the Gateway calls
/// `ensure(in:)` on its state folder, serves the result and prints `sha256Fingerprint` (so a
/// person can compare it with what the browser shows). TLSBridge itself prints nothing.
///
/// The first run generates an ECDSA P-256 key and an X.509 v3 certificate for `hosts`
/// (subjectAltName DNS and IP entries, basicConstraints CA:FALSE, keyUsage digitalSignature,
/// extendedKeyUsage serverAuth, one year). Later runs reuse them while they are valid for at
/// least another day, match each other and cover every host; otherwise both are replaced.
public struct SelfSignedCertificate: Sendable, Hashable {
    /// PEM certificate, mode 0644.
    public var certificateFile: String
    /// PEM (PKCS#8) private key, mode 0600.
    public var keyFile: String
    /// SHA-256 over the certificate's DER, colon-separated uppercase hex.
    public var sha256Fingerprint: String
    /// Whether this call generated the files (false: reused).
    public var created: Bool

    public static let certificateFileName = "selfsigned-cert.pem"
    public static let keyFileName = "selfsigned-key.pem"
    public static let defaultHosts = ["localhost", "127.0.0.1", "::1"]

    /// Reuses or creates the certificate and key in `directory` (created 0700 if missing).
    public static func ensure(in directory: String, hosts: [String] = defaultHosts, validityDays: Int = 365) throws(TLSError) -> SelfSignedCertificate {
        try ensure(in: directory, hosts: hosts, validityDays: validityDays, now: nil)
    }

    /// `now` (seconds since 1970) replaces the clock, for tests of expiry.
    static func ensure(in directory: String, hosts: [String], validityDays: Int, now: Int?) throws(TLSError) -> SelfSignedCertificate {
        guard !hosts.isEmpty, validityDays > 1 else {
            throw TLSError(kind: .configuration, operation: "self-signed certificate",
                           reasons: ["needs at least one host and more than one day of validity"])
        }
        try StateFolder.create(directory)
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        let certificateFile = base + certificateFileName
        let keyFile = base + keyFileName

        if let existing = reusable(certificateFile: certificateFile, keyFile: keyFile, hosts: hosts, now: now),
           let fingerprint = CertificateInfo.sha256Fingerprint(existing.pointer) {
            return SelfSignedCertificate(certificateFile: certificateFile, keyFile: keyFile,
                                         sha256Fingerprint: fingerprint, created: false)
        }

        let key = try PrivateKey.generateP256()
        let certificate = try CertificateBuilder(commonName: hosts[0], hosts: hosts, now: now, validityDays: validityDays)
            .build(key: key)
        guard let fingerprint = CertificateInfo.sha256Fingerprint(certificate.pointer) else {
            throw TLSError.drained(.internal, "X509_digest")
        }
        // Key first: a certificate file never names a key that is not there yet.
        try StateFolder.writeAtomically(try key.pem(), to: keyFile, mode: 0o600)
        try StateFolder.writeAtomically(try certificate.pem(), to: certificateFile, mode: 0o644)
        return SelfSignedCertificate(certificateFile: certificateFile, keyFile: keyFile,
                                     sha256Fingerprint: fingerprint, created: true)
    }

    /// The SHA-256 fingerprint of the first certificate in a PEM file (for a configured
    /// certificate the Gateway wants to print too).
    public static func sha256Fingerprint(ofCertificateFile path: String) throws(TLSError) -> String {
        let certificate = try X509Certificate(pemFile: path)
        guard let fingerprint = CertificateInfo.sha256Fingerprint(certificate.pointer) else {
            throw TLSError.drained(.internal, "X509_digest")
        }
        return fingerprint
    }

    /// The existing certificate when both files load, belong together, cover `hosts` and stay
    /// valid for at least another day; nil when they must be (re)generated.
    private static func reusable(certificateFile: String, keyFile: String, hosts: [String], now: Int?) -> X509Certificate? {
        guard StateFolder.exists(certificateFile), StateFolder.exists(keyFile),
              let certificate = try? X509Certificate(pemFile: certificateFile),
              let key = try? PrivateKey(pemFile: keyFile) else {
            ERR_clear_error()
            return nil
        }
        defer { ERR_clear_error() }
        guard X509_check_private_key(certificate.pointer, key.pointer) == 1 else { return nil }
        var tomorrow = time_t((now ?? Int(time(nil))) + 86_400)
        guard X509_cmp_time(X509_get0_notAfter(certificate.pointer), &tomorrow) > 0 else { return nil }
        for host in hosts {
            let covered = TLSEngine.isIPAddressLiteral(host)
                ? X509_check_ip_asc(certificate.pointer, host, 0)
                : X509_check_host(certificate.pointer, host, 0, 0, nil)
            guard covered == 1 else { return nil }
        }
        return certificate
    }
}
