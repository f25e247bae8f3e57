internal import COpenSSL

/// Read-only facts about an `X509*`, formatted for people and logs.
enum CertificateInfo {
    /// SHA-256 over the certificate's DER, as `"AB:CD:…"` (the form browsers and
    /// `openssl x509 -fingerprint -sha256` show).
    static func sha256Fingerprint(_ certificate: OpaquePointer) -> String? {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_digest(certificate, EVP_sha256(), &digest, &length) == 1 else {
            ERR_clear_error()
            return nil
        }
        return hexFingerprint(digest.prefix(Int(length)))
    }

    static func hexFingerprint(_ bytes: some Collection<UInt8>) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 3)
        for byte in bytes {
            if !text.isEmpty { text.append(UInt8(ascii: ":")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The subject in RFC 2253 form.
    static func subject(_ certificate: OpaquePointer) -> String? {
        guard let name = X509_get_subject_name(certificate), let bio = BIO_new(BIO_s_mem()) else { return nil }
        defer { BIO_free(bio) }
        guard X509_NAME_print_ex(bio, name, 0, COpenSSL_XN_FLAG_RFC2253()) >= 0 else {
            ERR_clear_error()
            return nil
        }
        return MemoryBIO.contents(bio).map { String(decoding: $0, as: UTF8.self) }
    }
}

extension CertificateInfo {
    /// The certificate as `openssl x509 -text` prints it.
    static func text(_ certificate: OpaquePointer) -> String? {
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        defer { BIO_free(bio) }
        guard X509_print(bio, certificate) == 1 else {
            ERR_clear_error()
            return nil
        }
        return MemoryBIO.contents(bio).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// Helpers for scratch memory BIOs (PEM encoding, printing).
enum MemoryBIO {
    /// Everything written to `bio` so far.
    static func contents(_ bio: OpaquePointer) -> [UInt8]? {
        var data: UnsafeMutablePointer<CChar>?
        let count = Int(COpenSSL_BIO_get_mem_data(bio, &data))
        guard count >= 0 else { return nil }
        guard let data, count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: data, count: count))
    }
}
