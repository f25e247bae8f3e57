import NIOSSL

/// The NIOSSL server context for `nio-echo --tls`, built the way NIOSSL's documentation builds one:
/// `TLSConfiguration.makeServerConfiguration` with the certificate chain and key from PEM files,
/// then two changes from its defaults: TLS 1.2 at least (the default allows 1.0), and ALPN
/// `http/1.1`, since WebSocket upgrades ride on HTTP/1.1 (RFC 6455 §4.1). Everything else is
/// NIOSSL's default: its cipher list, BoringSSL's key-exchange groups (X25519 first), no client
/// certificates.
///
/// Session resumption is what BoringSSL does by default, since NIOSSL configures none:
/// - TLS 1.3: stateless tickets. After each handshake, full or resumed, the server sends 2
///   NewSessionTicket messages, sealed with ticket keys BoringSSL generates for the context and
///   rotates every 2 days. A client resumes with `psk_dhe_ke` (BoringSSL does no `psk_ke`), which
///   skips the certificate and its ECDSA signature but still does an (EC)DHE exchange. A session
///   lasts 2 days (`SSL_DEFAULT_SESSION_PSK_DHE_TIMEOUT`), renewed by each resumption up to 7 days
///   after its full handshake (`SSL_DEFAULT_SESSION_AUTH_TIMEOUT`). No 0-RTT.
/// - TLS 1.2: session tickets (RFC 5077) and a server-side session cache of up to 20,480 sessions
///   (`SSL_SESS_CACHE_SERVER`), 2 hours each.
enum ServerTLS {
    static func makeContext(certificateFile: String, keyFile: String) throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = ["http/1.1"]
        return try NIOSSLContext(configuration: configuration)
    }
}
