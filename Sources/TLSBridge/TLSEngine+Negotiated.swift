internal import COpenSSL

/// What the handshake agreed on, and who the peer is.
extension TLSEngine {
    /// Both Finished messages are through (this side's view).
    public var isHandshakeComplete: Bool { SSL_is_init_finished(ssl) == 1 }

    /// The protocol ALPN selected (RFC 7301 §3.2), e.g. `"http/1.1"`; nil when none was.
    public var negotiatedALPN: String? {
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    /// The SNI host name (RFC 6066 §3): on a server, what the client asked for; on a client, what
    /// it sent. Nil when none.
    public var serverName: String? {
        guard let name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name) else { return nil }
        return String(cString: name)
    }

    /// The negotiated version; nil before the handshake completed. Its `description` is
    /// OpenSSL's spelling (`"TLSv1.3"`).
    public var protocolVersion: TLSVersion? {
        guard isHandshakeComplete else { return nil }
        return TLSVersion(wireValue: UInt16(truncatingIfNeeded: SSL_version(ssl)))
    }

    /// The negotiated cipher in OpenSSL's naming, e.g. `"TLS_AES_128_GCM_SHA256"`.
    public var cipherName: String? {
        guard let cipher = SSL_get_current_cipher(ssl), let name = SSL_CIPHER_get_name(cipher) else { return nil }
        return String(cString: name)
    }

    /// Whether the handshake resumed a session (ticket or cache) instead of a full handshake.
    public var sessionReused: Bool { SSL_session_reused(ssl) == 1 }

    /// SHA-256 over the DER of the peer's certificate, as colon-separated uppercase hex; nil when
    /// the peer sent none.
    public var peerCertificateSHA256Fingerprint: String? {
        guard let certificate = SSL_get0_peer_certificate(ssl) else { return nil }
        return CertificateInfo.sha256Fingerprint(certificate)
    }

    /// The peer certificate's subject in RFC 2253 form, e.g. `"CN=localhost,O=Callgate"`.
    public var peerCertificateSubject: String? {
        guard let certificate = SSL_get0_peer_certificate(ssl) else { return nil }
        return CertificateInfo.subject(certificate)
    }
}
