internal import COpenSSL

/// One TLS connection as a pure engine (docs/style.md §3): ciphertext from the network goes in through
/// `receive(ciphertext:)`, ciphertext for the network comes out of `takeCiphertext`, plaintext goes
/// through `writePlaintext` and `readPlaintext`. It owns no socket, thread or clock; the `SSL*`
/// talks only to a pair of memory BIOs.
///
/// A typical turn of the Gateway's loop: `receive` what the socket read; `handshake()` until
/// `.complete`; then `readPlaintext` until `.wantRead`; after any call, send what
/// `takeCiphertext` returns. Not thread-safe: one engine belongs to one event loop.
///
/// Memory: an active engine keeps its record buffers and small BIO buffers (no allocation per
/// record); a burst's large BIO buffer is freed once drained. The owner calls
/// `releaseIdleMemory()` when the connection goes quiet, after which it holds only OpenSSL's
/// per-connection state (about 15 KB on OpenSSL 3.0; `TLSEngineMemoryTests` measures it).
public final class TLSEngine {
    let ssl: OpaquePointer
    /// Network to `SSL`: what `receive(ciphertext:)` appends and `SSL_read` consumes.
    private let networkIn: OpaquePointer
    /// `SSL` to network: what OpenSSL writes and `takeCiphertext` drains.
    private let networkOut: OpaquePointer
    /// Keeps the `SSL_CTX`s, their callback state and ticket keys alive for this connection.
    private let serverContext: TLSServerContext?
    let clientContext: TLSClientContext?
    /// Where the client side stores and looks up its session.
    let sessionCacheKey: String?
    /// The fatal failure this connection ended with (or one `receive(ciphertext:)` could not
    /// report); every later call returns it again.
    private var deferredFailure: TLSError?
    private var shutdownQueued = false
    /// Set once the handshake completed; OpenSSL's own state says "in init" again after a fatal
    /// error, which would misfile a record-layer failure as a handshake failure.
    private var handshakeCompleted = false

    /// Largest plaintext slice one `writePlaintext` call encrypts: four full records (RFC 8446
    /// §5.1: at most 2^14 bytes each), so one call's ciphertext stays bounded.
    public static let maximumWriteSize = 4 * 16_384

    /// A server-side engine: it waits for a ClientHello.
    public convenience init(server context: TLSServerContext) throws(TLSError) {
        let ssl = try Self.makeSSL(context.defaultContext)
        SSL_set_accept_state(ssl)
        try self.init(ssl: ssl, server: context, client: nil, sessionCacheKey: nil)
    }

    /// A client-side engine for `serverName`: a host name (sent as SNI, RFC 6066 §3, and checked
    /// against the certificate's DNS names) or an IP literal (not sent, as §3 forbids literal
    /// addresses in SNI; checked against IP address SANs). Pass the bare address, without brackets.
    ///
    /// `sessionCacheKey` names the server in the context's session cache (default: `serverName`);
    /// include the port when one host serves several TLS endpoints.
    public convenience init(client context: TLSClientContext, serverName: String?, sessionCacheKey: String? = nil) throws(TLSError) {
        let ssl = try Self.makeSSL(context.context)
        if let serverName {
            let isAddress = Self.isIPAddressLiteral(serverName)
            OpenSSLErrorQueue.clear()
            if !isAddress, COpenSSL_SSL_set_tlsext_host_name(ssl, serverName) != 1 {
                SSL_free(ssl)
                throw TLSError.drained(.configuration, "SSL_set_tlsext_host_name(\(serverName))")
            }
            if context.configuration.verification == .full {
                OpenSSLErrorQueue.clear()
                let pinned = isAddress
                    ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), serverName)
                    : SSL_set1_host(ssl, serverName)
                guard pinned == 1 else {
                    SSL_free(ssl)
                    throw TLSError.drained(.configuration, "expected peer name \(serverName)")
                }
                // "*.example.com" matches one whole label, never "w*.example.com" (RFC 6125 §6.4.3).
                SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
            }
        } else if context.configuration.verification == .full {
            SSL_free(ssl)
            throw TLSError(kind: .configuration, operation: "host-name verification",
                           reasons: ["full verification needs a serverName; use .noHostnameVerification to skip the name"])
        }
        let key = sessionCacheKey ?? serverName
        if let key, let session = context.sessions?.take(for: key) {
            _ = SSL_set_session(ssl, session.pointer)   // takes its own reference
        }
        SSL_set_connect_state(ssl)
        try self.init(ssl: ssl, server: nil, client: context, sessionCacheKey: key)
    }

    private init(ssl: OpaquePointer, server: TLSServerContext?, client: TLSClientContext?, sessionCacheKey: String?) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        guard let networkIn = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw TLSError.drained(.internal, "BIO_new(BIO_s_mem)")
        }
        guard let networkOut = BIO_new(BIO_s_mem()) else {
            BIO_free(networkIn)
            SSL_free(ssl)
            throw TLSError.drained(.internal, "BIO_new(BIO_s_mem)")
        }
        // An empty BIO means "retry later" (want-read), never end of stream.
        _ = COpenSSL_BIO_set_mem_eof_return(networkIn, -1)
        _ = COpenSSL_BIO_set_mem_eof_return(networkOut, -1)
        SSL_set_bio(ssl, networkIn, networkOut)   // the SSL owns both now
        self.ssl = ssl
        self.networkIn = networkIn
        self.networkOut = networkOut
        self.serverContext = server
        self.clientContext = client
        self.sessionCacheKey = sessionCacheKey
        _ = SSL_set_ex_data(ssl, 0, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        // OpenSSL forgets the session of a connection freed without close_notify. TLS no longer
        // asks for that (RFC 5246 §7.2.1, RFC 8446 §6.1): a connection that simply went away may
        // be resumed. Fatal alerts, sent or received, have already made the session unresumable.
        SSL_set_shutdown(ssl, SSL_get_shutdown(ssl) | SSL_SENT_SHUTDOWN)
        SSL_free(ssl)
    }

    private static func makeSSL(_ context: SSLContextBox) throws(TLSError) -> OpaquePointer {
        OpenSSLErrorQueue.clear()
        guard let ssl = SSL_new(context.pointer) else {
            throw TLSError.drained(.internal, "SSL_new")
        }
        return ssl
    }

    /// The engine whose `SSL*` this is, for OpenSSL callbacks (valid while the engine runs them).
    static func from(_ ssl: OpaquePointer) -> TLSEngine? {
        guard let pointer = SSL_get_ex_data(ssl, 0) else { return nil }
        return Unmanaged<TLSEngine>.fromOpaque(pointer).takeUnretainedValue()
    }

    static func isIPAddressLiteral(_ name: String) -> Bool {
        guard let address = a2i_IPADDRESS(name) else {
            ERR_clear_error()
            return false
        }
        ASN1_OCTET_STRING_free(address)
        return true
    }

    // MARK: Network side

    /// Ciphertext that arrived from the network, in any slicing. It is copied; nothing is
    /// decrypted until `handshake()` or `readPlaintext(into:)`. Not bounded here: the caller's
    /// read size bounds it, as long as it reads plaintext before receiving more.
    public func receive(ciphertext: UnsafeRawBufferPointer) {
        guard var base = ciphertext.baseAddress else { return }
        var remaining = ciphertext.count
        while remaining > 0 {
            let chunk = min(remaining, Int(Int32.max))
            OpenSSLErrorQueue.clear()
            let written = BIO_write(networkIn, base, Int32(chunk))
            guard written > 0 else {
                if deferredFailure == nil { deferredFailure = TLSError.drained(.internal, "BIO_write(network in)") }
                return
            }
            base += Int(written)
            remaining -= Int(written)
        }
    }

    /// Ciphertext waiting to go to the network.
    public var hasPendingCiphertext: Bool { BIO_ctrl_pending(networkOut) > 0 }

    /// How many bytes of ciphertext wait to go to the network.
    public var pendingCiphertextCount: Int { Int(BIO_ctrl_pending(networkOut)) }

    /// Appends all pending ciphertext to `output` and returns how many bytes that was. A small
    /// buffer is kept for the next records, emptied in place (no allocation per flush); a burst's
    /// large one is released, and `releaseIdleMemory` releases the small one of a quiet connection.
    @discardableResult
    public func takeCiphertext(into output: inout [UInt8]) -> Int {
        var data: UnsafeMutablePointer<CChar>?
        let count = Int(COpenSSL_BIO_get_mem_data(networkOut, &data))
        guard count > 0, let data else { return 0 }
        output.append(contentsOf: UnsafeRawBufferPointer(start: data, count: count))
        var buffer: UnsafeMutablePointer<BUF_MEM>?
        _ = COpenSSL_BIO_get_mem_ptr(networkOut, &buffer)
        if let buffer, buffer.pointee.max <= Self.retainedBIOBufferSize {
            _ = BIO_ctrl(networkOut, BIO_CTRL_RESET, 0, nil)   // empties it; the buffer stays
        } else {
            discardAll(networkOut)
        }
        return count
    }

    /// Copies up to `buffer.count` bytes of pending ciphertext into `buffer` and returns how many.
    public func takeCiphertext(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let read = BIO_read(networkOut, base, Int32(min(buffer.count, Int(Int32.max))))
        guard read > 0 else { return 0 }
        releaseIfDrained(networkOut)
        return Int(read)
    }

    // MARK: TLS side

    /// Drives the handshake as far as the received ciphertext allows (RFC 8446 §4, RFC 5246 §7.3).
    public func handshake() -> TLSHandshakeResult {
        if let failure = deferredFailure { return .failed(failure) }
        if handshakeCompleted { return .complete }
        OpenSSLErrorQueue.clear()
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            didCompleteHandshake()
            return .complete
        }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ:
            return .wantRead
        case let code:
            return .failed(failure(code, "SSL_do_handshake"))
        }
    }

    /// Decrypts application data into `buffer`. Call until `.wantRead`: one call returns at most
    /// one record's plaintext. Completes the handshake first if needed.
    public func readPlaintext(into buffer: UnsafeMutableRawBufferPointer) -> TLSReadResult {
        if let failure = deferredFailure { return .failed(failure) }
        guard let base = buffer.baseAddress, buffer.count > 0 else { return .bytes(0) }
        OpenSSLErrorQueue.clear()
        let result = SSL_read(ssl, base, Int32(min(buffer.count, Int(Int32.max))))
        if !handshakeCompleted && SSL_is_init_finished(ssl) == 1 { didCompleteHandshake() }
        if result > 0 { return .bytes(Int(result)) }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ:
            releaseIfDrained(networkIn)   // a burst's large buffer goes; a small one stays
            return .wantRead
        case SSL_ERROR_ZERO_RETURN:
            return .closed
        case let code:
            return .failed(failure(code, "SSL_read"))
        }
    }

    /// Encrypts up to `maximumWriteSize` bytes from the front of `bytes`; returns how many it took.
    /// The handshake must be complete (TLS 1.3 early data is not supported).
    public func writePlaintext(_ bytes: UnsafeRawBufferPointer) -> TLSWriteResult {
        if let failure = deferredFailure { return .failed(failure) }
        guard handshakeCompleted, !shutdownQueued else {
            return .failed(TLSError(kind: .notReady, operation: "SSL_write",
                                    reasons: [shutdownQueued ? "close_notify already sent" : "handshake not complete"]))
        }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return .written(0) }
        OpenSSLErrorQueue.clear()
        let result = SSL_write(ssl, base, Int32(min(bytes.count, Self.maximumWriteSize)))
        if result > 0 { return .written(Int(result)) }
        return .failed(failure(SSL_get_error(ssl, result), "SSL_write"))
    }

    /// Queues `close_notify` (RFC 8446 §6.1: each party MUST send it before closing its write
    /// side; RFC 5246 §7.2.1). Send `takeCiphertext` afterwards. Further writes fail; reads go on
    /// until the peer's own `close_notify` (`.closed`). Does nothing before the handshake completed
    /// or when already queued.
    public func shutdown() {
        guard !shutdownQueued, handshakeCompleted, deferredFailure == nil else { return }
        shutdownQueued = true
        OpenSSLErrorQueue.clear()
        _ = SSL_shutdown(ssl)
        OpenSSLErrorQueue.clear()   // a failure here leaves nothing to report: the peer is gone
    }

    // MARK: Helpers

    private func didCompleteHandshake() {
        handshakeCompleted = true
        rememberRenewedSession()
    }

    /// A TLS 1.2 client that resumed may have received a renewed ticket (RFC 5077 §3.3), which
    /// OpenSSL does not announce through the new-session callback: remember it here.
    private func rememberRenewedSession() {
        guard let key = sessionCacheKey, let cache = clientContext?.sessions,
              SSL_session_reused(ssl) == 1, SSL_version(ssl) != TLS1_3_VERSION,
              let session = SSL_get1_session(ssl) else { return }
        cache.store(StoredSession(adopting: session), for: key)
    }

    /// Turns an `SSL_get_error` code into a `TLSError`, draining the queue, and remembers it: the
    /// connection is over. A failed peer verification says so, with X509's reason (e.g.
    /// "hostname mismatch").
    private func failure(_ code: Int32, _ operation: String) -> TLSError {
        let error = classify(code, operation)
        deferredFailure = error
        return error
    }

    private func classify(_ code: Int32, _ operation: String) -> TLSError {
        switch code {
        case SSL_ERROR_SSL:
            let verify = SSL_get_verify_result(ssl)
            if SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER != 0, verify != X509_V_OK {
                return TLSError.drained(.certificateVerification, operation,
                                        extra: [String(cString: X509_verify_cert_error_string(verify))])
            }
            return TLSError.drained(handshakeCompleted ? .protocolViolation : .handshake, operation)
        case SSL_ERROR_ZERO_RETURN:
            return TLSError.drained(.handshake, operation, fallback: "peer sent close_notify during the handshake")
        case SSL_ERROR_SYSCALL:
            return TLSError.drained(.internal, operation, fallback: "SSL_ERROR_SYSCALL without an OpenSSL reason")
        case SSL_ERROR_WANT_WRITE, SSL_ERROR_WANT_READ:
            return TLSError.drained(.internal, operation, fallback: "unexpected want-read/want-write with memory BIOs")
        default:
            return TLSError.drained(.internal, operation, fallback: "unexpected SSL_get_error \(code)")
        }
    }

    /// Releases what an idle connection does not need: both memory BIOs' buffers once drained,
    /// and OpenSSL's record buffers (about 34 KiB). Call it when the connection has been quiet
    /// for a while: an active connection keeps its buffers, because allocating and freeing them
    /// for every record costs about 15 % of the CPU of a small-message echo.
    /// `SSL_free_buffers` refuses while a partial record is buffered; before OpenSSL 3.0.14 it did
    /// not check that (CVE-2024-4741), so it is only used from 3.0.14 on.
    public func releaseIdleMemory() {
        releaseIfDrained(networkIn, keeping: 0)
        releaseIfDrained(networkOut, keeping: 0)
        if Self.canFreeRecordBuffers { _ = SSL_free_buffers(ssl) }
    }

    private static let canFreeRecordBuffers = OpenSSL_version_num() >= 0x3000_00E0

    /// Frees a memory BIO's buffer once everything in it was consumed, if a burst made it large:
    /// OpenSSL's memory BIO never shrinks its buffer, so a burst would otherwise stay allocated
    /// for the connection's life. A buffer of a few records is kept, so that a steady stream of
    /// small messages does not allocate and free it for every record.
    private func releaseIfDrained(_ bio: OpaquePointer, keeping retained: Int = retainedBIOBufferSize) {
        guard BIO_ctrl_pending(bio) == 0 else { return }
        var buffer: UnsafeMutablePointer<BUF_MEM>?
        _ = COpenSSL_BIO_get_mem_ptr(bio, &buffer)
        guard let buffer, buffer.pointee.max > retained else { return }
        discardAll(bio)
    }

    /// The largest memory-BIO buffer an engine keeps between records.
    static let retainedBIOBufferSize = 2048

    /// Empties a memory BIO and releases its buffer.
    private func discardAll(_ bio: OpaquePointer) {
        if let fresh = BUF_MEM_new() {
            _ = COpenSSL_BIO_set_mem_buf(bio, fresh, BIO_CLOSE)   // frees the old BUF_MEM and its data
        } else {
            _ = BIO_ctrl(bio, BIO_CTRL_RESET, 0, nil)   // out of memory: at least empty it
        }
    }
}

/// One engine belongs to one event loop; hand it to another only through the loop's own queue.
@available(*, unavailable)
extension TLSEngine: Sendable {}
