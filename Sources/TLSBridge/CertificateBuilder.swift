internal import COpenSSL
internal import Glibc

/// An owned `X509*`.
final class X509Certificate {
    let pointer: OpaquePointer
    init(adopting pointer: OpaquePointer) { self.pointer = pointer }
    deinit { X509_free(pointer) }

    /// Reads the first certificate of a PEM file.
    convenience init(pemFile path: String) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        guard let bio = BIO_new_file(path, "r") else {
            throw TLSError.drained(.file, "BIO_new_file(\(path))")
        }
        defer { BIO_free(bio) }
        guard let certificate = PEM_read_bio_X509(bio, nil, nil, nil) else {
            throw TLSError.drained(.certificate, "PEM_read_bio_X509(\(path))")
        }
        self.init(adopting: certificate)
    }

    func pem() throws(TLSError) -> [UInt8] {
        try PEM.encode("PEM_write_bio_X509") { PEM_write_bio_X509($0, pointer) }
    }
}

/// An owned `EVP_PKEY*`.
final class PrivateKey {
    let pointer: OpaquePointer
    init(adopting pointer: OpaquePointer) { self.pointer = pointer }
    deinit { EVP_PKEY_free(pointer) }

    /// A fresh ECDSA P-256 key: the cheapest signature a browser verifies, which is most of a
    /// full handshake's server cost.
    static func generateP256() throws(TLSError) -> PrivateKey {
        OpenSSLErrorQueue.clear()
        guard let key = COpenSSL_EVP_EC_gen("P-256") else {
            throw TLSError.drained(.internal, "EVP_EC_gen(P-256)")
        }
        return PrivateKey(adopting: key)
    }

    convenience init(pemFile path: String) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        guard let bio = BIO_new_file(path, "r") else {
            throw TLSError.drained(.file, "BIO_new_file(\(path))")
        }
        defer { BIO_free(bio) }
        guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else {
            throw TLSError.drained(.certificate, "PEM_read_bio_PrivateKey(\(path))")
        }
        self.init(adopting: key)
    }

    /// Unencrypted PKCS#8 PEM.
    func pem() throws(TLSError) -> [UInt8] {
        try PEM.encode("PEM_write_bio_PrivateKey") { PEM_write_bio_PrivateKey($0, pointer, nil, nil, 0, nil, nil) }
    }
}

enum PEM {
    static func encode(_ operation: String, _ write: (OpaquePointer) -> Int32) throws(TLSError) -> [UInt8] {
        OpenSSLErrorQueue.clear()
        guard let bio = BIO_new(BIO_s_mem()) else { throw TLSError.drained(.internal, "BIO_new") }
        defer { BIO_free(bio) }
        guard write(bio) == 1, let bytes = MemoryBIO.contents(bio) else {
            throw TLSError.drained(.internal, operation)
        }
        return bytes
    }
}

/// Builds X.509 v3 certificates (RFC 5280) with OpenSSL: the self-signed default certificate, and
/// in tests a small CA and the leaves it signs.
struct CertificateBuilder {
    /// The subject's common name; also its only subject attribute besides the organisation.
    var commonName: String
    /// DNS names and IP addresses (`"127.0.0.1"`, `"::1"`) for the subjectAltName extension.
    var hosts: [String] = []
    /// A CA certificate (basicConstraints CA:TRUE, keyCertSign) instead of a TLS server leaf.
    var isCertificateAuthority = false
    /// The leaf may also be used as a TLS client certificate (extendedKeyUsage clientAuth).
    var allowsClientAuthentication = false
    /// Seconds since 1970 that count as "now"; nil reads the clock. Tests pass old times.
    var now: Int? = nil
    /// Validity from one hour before `now`, to tolerate clocks a little behind.
    var validityDays = 365

    /// Signs a certificate for `key`: self-signed when `issuer` is nil.
    func build(key: PrivateKey, issuer: (certificate: X509Certificate, key: PrivateKey)? = nil) throws(TLSError) -> X509Certificate {
        OpenSSLErrorQueue.clear()
        guard let x509 = X509_new() else { throw TLSError.drained(.internal, "X509_new") }
        let certificate = X509Certificate(adopting: x509)
        func check(_ ok: Bool, _ operation: String) throws(TLSError) {
            if !ok { throw TLSError.drained(.internal, operation) }
        }
        try check(X509_set_version(x509, Int(X509_VERSION_3)) == 1, "X509_set_version")

        // RFC 5280 §4.1.2.2: a positive serial of at most 20 octets; 159 random bits are unique enough.
        var serialBytes = [UInt8](repeating: 0, count: 20)
        try check(RAND_bytes(&serialBytes, Int32(serialBytes.count)) == 1, "RAND_bytes(serial)")
        serialBytes[0] &= 0x7F
        serialBytes[0] |= 0x01
        guard let serial = BN_bin2bn(serialBytes, Int32(serialBytes.count), nil) else {
            throw TLSError.drained(.internal, "BN_bin2bn")
        }
        defer { BN_free(serial) }
        try check(BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x509)) != nil, "BN_to_ASN1_INTEGER")

        var clock = time_t(now ?? Int(time(nil)))
        try check(X509_time_adj_ex(X509_getm_notBefore(x509), 0, -3600, &clock) != nil, "notBefore")
        try check(X509_time_adj_ex(X509_getm_notAfter(x509), Int32(validityDays), 0, &clock) != nil, "notAfter")

        guard let name = X509_get_subject_name(x509) else { throw TLSError.drained(.internal, "X509_get_subject_name") }
        try check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, "Callgate", -1, -1, 0) == 1, "subject O")
        try check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, commonName, -1, -1, 0) == 1, "subject CN")
        let issuerName = issuer.map { X509_get_subject_name($0.certificate.pointer) } ?? name
        try check(X509_set_issuer_name(x509, issuerName) == 1, "X509_set_issuer_name")
        try check(X509_set_pubkey(x509, key.pointer) == 1, "X509_set_pubkey")

        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer?.certificate.pointer ?? x509, x509, nil, nil, 0)
        var extensions: [(Int32, String)] = []
        if isCertificateAuthority {
            extensions.append((NID_basic_constraints, "critical,CA:TRUE,pathlen:0"))
            extensions.append((NID_key_usage, "critical,keyCertSign,cRLSign"))
        } else {
            extensions.append((NID_basic_constraints, "critical,CA:FALSE"))
            extensions.append((NID_key_usage, "critical,digitalSignature"))
            extensions.append((NID_ext_key_usage, allowsClientAuthentication ? "serverAuth,clientAuth" : "serverAuth"))
        }
        if !hosts.isEmpty {
            let names = hosts.map { TLSEngine.isIPAddressLiteral($0) ? "IP:\($0)" : "DNS:\($0)" }
            extensions.append((NID_subject_alt_name, names.joined(separator: ",")))
        }
        extensions.append((NID_subject_key_identifier, "hash"))
        if issuer != nil { extensions.append((NID_authority_key_identifier, "keyid:always")) }
        for (nid, value) in extensions {
            OpenSSLErrorQueue.clear()
            guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                throw TLSError.drained(.configuration, "certificate extension \(value)")
            }
            defer { X509_EXTENSION_free(ext) }
            try check(X509_add_ext(x509, ext, -1) == 1, "X509_add_ext")
        }

        OpenSSLErrorQueue.clear()
        guard X509_sign(x509, issuer?.key.pointer ?? key.pointer, EVP_sha256()) > 0 else {
            throw TLSError.drained(.internal, "X509_sign")
        }
        return certificate
    }
}
