internal import COpenSSLBench

/// The wss client's `SSL_CTX`, one for the whole run: TLS 1.2 or 1.3, ALPN `http/1.1`, and no
/// certificate verification.
///
/// No verification because the server is on loopback with a self-signed certificate that the
/// benchmark generated minutes ago: there is nothing to authenticate, and skipping the chain check
/// keeps the client's cost per handshake down. The TLS 1.3 CertificateVerify signature is still
/// checked (it is part of the handshake itself, RFC 8446 §4.4.3), so the server's ECDSA signing
/// and the client's verification both happen on every full handshake.
///
/// TLS 1.3 suites are offered AES-128-GCM first, as browsers offer them, so that a server honouring
/// the client's order and one using its own (BoringSSL's) land on the same suite; the report says
/// which one was negotiated.
final class TLSClientContext {
    let context: OpaquePointer

    /// `releaseBuffers` frees each connection's record buffers while it is idle
    /// (`SSL_MODE_RELEASE_BUFFERS`): right for thousands of idle connections, a malloc and a free
    /// per record otherwise.
    init(releaseBuffers: Bool) throws(LoadgenError) {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw .tls(connection: nil, OpenSSLErrors.drain(fallback: "SSL_CTX_new failed"))
        }
        self.context = context

        guard CBenchSSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) == 1 else {
            throw .tls(connection: nil, OpenSSLErrors.drain(fallback: "SSL_CTX_set_min_proto_version failed"))
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        guard SSL_CTX_set_ciphersuites(context, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256") == 1 else {
            throw .tls(connection: nil, OpenSSLErrors.drain(fallback: "SSL_CTX_set_ciphersuites failed"))
        }
        // RFC 7301 §3.1: a list of length-prefixed protocol names. This call returns 0 on success.
        let alpn: [UInt8] = [UInt8(Self.alpn.utf8.count)] + Array(Self.alpn.utf8)
        guard SSL_CTX_set_alpn_protos(context, alpn, UInt32(alpn.count)) == 0 else {
            throw .tls(connection: nil, OpenSSLErrors.drain(fallback: "SSL_CTX_set_alpn_protos failed"))
        }
        // Partial writes and a moving buffer: `flush` hands SSL_write whatever is pending, which may
        // have grown since a write that wanted to wait.
        var mode = SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
        if releaseBuffers { mode |= SSL_MODE_RELEASE_BUFFERS }
        _ = CBenchSSL_CTX_set_mode(context, Int(mode))
        // A server that closes TCP without close_notify reads as a close, not as an error: after
        // the WebSocket close handshake the frames have said all there is to say.
        _ = SSL_CTX_set_options(context, CBenchSSL_OP_IGNORE_UNEXPECTED_EOF() | CBenchSSL_OP_NO_RENEGOTIATION())
    }

    deinit {
        SSL_CTX_free(self.context)
    }

    static let alpn = "http/1.1"
    /// SNI (RFC 6066 §3); the certificate is made for it.
    static let serverName = "localhost"
}
