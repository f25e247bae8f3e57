internal import COpenSSLBench
import LoadgenCore

#if canImport(Glibc)
import Glibc
#endif

/// One connection's TLS client session, driven straight on its non-blocking socket
/// (`SSL_set_fd`): OpenSSL reads and writes the socket itself, and `WANT_READ` / `WANT_WRITE` come
/// back as values for the epoll loop to wait on. A load generator needs no byte-level control of the
/// ciphertext, so this skips the memory BIOs a TLS engine that owns no socket would use.
///
/// A struct around the `SSL*` so it can live inside `Connection`; `free()` must be called exactly
/// once. It never closes the socket (`SSL_set_fd` makes a BIO that does not own it).
struct TLSStream {
    /// A session to resume, holding one reference; `free()` gives it back.
    struct Session {
        fileprivate let pointer: OpaquePointer

        func free() {
            SSL_SESSION_free(self.pointer)
        }
    }

    enum Status {
        /// The call did its work: bytes read or written, or the handshake is complete (0).
        case done(Int)
        /// Call again once the socket is readable.
        case wantRead
        /// Call again once the socket is writable.
        case wantWrite
        /// The server closed: close_notify or TCP FIN (`reset` false), or a TCP reset (true).
        case closed(reset: Bool)
        case failed(String)
    }

    private let ssl: OpaquePointer

    /// A client session on `fd` with SNI `localhost`, offering `session` for resumption if given
    /// (OpenSSL takes a reference of its own; the caller keeps its one).
    init(context: TLSClientContext, fd: Int32, session: Session?) throws(LoadgenError) {
        ERR_clear_error()
        guard let ssl = SSL_new(context.context) else {
            throw .tls(connection: nil, OpenSSLErrors.drain(fallback: "SSL_new failed"))
        }
        guard SSL_set_fd(ssl, fd) == 1, CBenchSSL_set_tlsext_host_name(ssl, TLSClientContext.serverName) == 1 else {
            let message = OpenSSLErrors.drain(fallback: "SSL_set_fd or SNI failed")
            SSL_free(ssl)
            throw .tls(connection: nil, message)
        }
        if let session, SSL_set_session(ssl, session.pointer) != 1 {
            let message = OpenSSLErrors.drain(fallback: "SSL_set_session failed")
            SSL_free(ssl)
            throw .tls(connection: nil, message)
        }
        SSL_set_connect_state(ssl)
        self.ssl = ssl
    }

    func free() {
        SSL_free(self.ssl)
    }

    func handshake() -> Status {
        ERR_clear_error()
        let result = SSL_do_handshake(self.ssl)
        let code = errno
        return result == 1 ? .done(0) : self.status(result, errno: code)
    }

    /// Plaintext into `buffer`. OpenSSL may hold decrypted bytes the socket no longer signals, so
    /// the caller reads again while `hasPendingInput`.
    @inline(__always)
    func read(into buffer: UnsafeMutableRawPointer, count: Int) -> Status {
        Self.clearErrorsCheaply()
        let result = SSL_read(self.ssl, buffer, Int32(clamping: count))
        let code = errno
        return result > 0 ? .done(Int(result)) : self.status(result, errno: code)
    }

    @inline(__always)
    func write(from buffer: UnsafeRawPointer, count: Int) -> Status {
        Self.clearErrorsCheaply()
        let result = SSL_write(self.ssl, buffer, Int32(clamping: count))
        let code = errno
        return result > 0 ? .done(Int(result)) : self.status(result, errno: code)
    }

    /// `ERR_clear_error()` for the per-message calls: the queue is nearly always empty here (every
    /// failure drains it), and peeking costs less than clearing all 16 slots, which showed up at
    /// about 3 % of the load generator's CPU at 100 × 64 B.
    @inline(__always)
    private static func clearErrorsCheaply() {
        if ERR_peek_error() != 0 { ERR_clear_error() }
    }

    /// OpenSSL holds input it has read from the socket and not yet returned: decrypted bytes, or
    /// part of a record (`SSL_has_pending`).
    @inline(__always)
    var hasPendingInput: Bool { SSL_has_pending(self.ssl) == 1 }

    /// Sends close_notify (RFC 8446 §6.1) without waiting for the server's; errors are ignored,
    /// since the server may already have closed TCP.
    func shutdown() {
        ERR_clear_error()
        _ = SSL_shutdown(self.ssl)
        ERR_clear_error()
    }

    /// The handshake resumed a session (RFC 8446 §2.2).
    var resumed: Bool { SSL_session_reused(self.ssl) == 1 }

    /// The session to offer on the next connection (the caller frees it), or nil if the server
    /// issued nothing resumable. In TLS 1.3 it comes from
    /// the NewSessionTicket messages that arrive after the handshake (RFC 8446 §4.6.1), so this is
    /// asked only once the connection has read everything.
    func resumableSession() -> Session? {
        guard let session = SSL_get1_session(self.ssl) else { return nil }
        if SSL_SESSION_is_resumable(session) == 1 { return Session(pointer: session) }
        SSL_SESSION_free(session)
        return nil
    }

    /// What the completed handshake negotiated.
    func parameters() -> TLSParameters {
        let version = String(cString: SSL_get_version(self.ssl))
        let cipher = SSL_get_current_cipher(self.ssl).map { String(cString: SSL_CIPHER_get_name($0)) } ?? "?"
        let group = SSL_group_to_name(self.ssl, CBenchSSL_get_negotiated_group(self.ssl)).map { String(cString: $0) }

        var alpnBytes: UnsafePointer<UInt8>?
        var alpnLength: UInt32 = 0
        SSL_get0_alpn_selected(self.ssl, &alpnBytes, &alpnLength)
        let alpn = alpnBytes.flatMap { alpnLength > 0 ? String(decoding: UnsafeBufferPointer(start: $0, count: Int(alpnLength)), as: UTF8.self) : nil }

        var peerKey: String?
        if let certificate = SSL_get0_peer_certificate(self.ssl), let key = X509_get0_pubkey(certificate) {
            let type = EVP_PKEY_get0_type_name(key).map { String(cString: $0) } ?? "key"
            var name = [CChar](repeating: 0, count: 64)
            var length = 0
            if EVP_PKEY_get_group_name(key, &name, name.count, &length) == 1 {
                peerKey = type + " " + String(nulTerminated: name)
            } else {
                peerKey = type + " \(EVP_PKEY_get_bits(key)) bits"
            }
        }
        ERR_clear_error()
        return TLSParameters(version: version, cipher: cipher, group: group, alpn: alpn, peerKey: peerKey)
    }

    private func status(_ result: Int32, errno code: Int32) -> Status {
        switch SSL_get_error(self.ssl, result) {
        case SSL_ERROR_WANT_READ:
            return .wantRead
        case SSL_ERROR_WANT_WRITE:
            return .wantWrite
        case SSL_ERROR_ZERO_RETURN:
            return .closed(reset: false)
        case SSL_ERROR_SYSCALL:
            if code == ECONNRESET || code == EPIPE { return .closed(reset: true) }
            if code == 0 && ERR_peek_error() == 0 { return .closed(reset: false) }
            return .failed(OpenSSLErrors.drain(fallback: SystemErrno.describe(code)))
        case let other:
            return .failed(OpenSSLErrors.drain(fallback: "SSL_get_error \(other)"))
        }
    }
}
