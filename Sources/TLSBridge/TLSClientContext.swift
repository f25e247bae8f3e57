internal import COpenSSL

/// The client side's shared TLS state, for the upstream connector: trust roots, verification,
/// an optional client certificate (mutual TLS to back ends), ALPN, and a small cache of the last
/// session per server so reconnections resume. Make one `TLSEngine` per connection.
public final class TLSClientContext: @unchecked Sendable {   // immutable after init; cache locks itself
    public let configuration: TLSClientConfiguration
    let context: SSLContextBox
    let sessions: ClientSessionCache?

    public init(_ configuration: TLSClientConfiguration) throws(TLSError) {
        self.configuration = configuration
        context = try SSLContextBox(method: TLS_client_method(), operation: "SSL_CTX_new(TLS_client_method)")
        let ctx = context.pointer
        if let level = configuration.securityLevel { SSL_CTX_set_security_level(ctx, level) }
        try context.setVersions(minimum: configuration.minimumVersion, maximum: configuration.maximumVersion)
        try context.setCiphers(list: configuration.cipherList, suites: configuration.cipherSuites)
        context.setCommonOptions()

        switch configuration.trustRoots {
        case .system:
            OpenSSLErrorQueue.clear()
            guard SSL_CTX_set_default_verify_paths(ctx) == 1 else {
                throw TLSError.drained(.configuration, "SSL_CTX_set_default_verify_paths")
            }
        case .file(let path):
            try context.trust(file: path)
        }
        SSL_CTX_set_verify(ctx, configuration.verification == .none ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, nil)

        switch (configuration.clientCertificateChainFile, configuration.clientPrivateKeyFile) {
        case (nil, nil):
            break
        case (let chain?, let key?):
            try context.useCertificate(chainFile: chain, keyFile: key)
        default:
            throw TLSError(kind: .configuration, operation: "client certificate",
                           reasons: ["set both clientCertificateChainFile and clientPrivateKeyFile, or neither"])
        }

        if !configuration.alpnProtocols.isEmpty {
            let alpn = try ALPNProtocolList(protocols: configuration.alpnProtocols)
            OpenSSLErrorQueue.clear()
            // Inverted convention: 0 is success.
            guard SSL_CTX_set_alpn_protos(ctx, alpn.wireBytes, UInt32(alpn.wireBytes.count)) == 0 else {
                throw TLSError.drained(.configuration, "SSL_CTX_set_alpn_protos")
            }
        }

        if configuration.sessionCacheCapacity > 0 {
            sessions = ClientSessionCache(capacity: configuration.sessionCacheCapacity)
            // Sessions are kept by TLSBridge, not by OpenSSL's internal cache, so they can be
            // keyed by server rather than by session id.
            _ = COpenSSL_SSL_CTX_set_session_cache_mode(ctx, Int(SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE))
            SSL_CTX_sess_set_new_cb(ctx, clientStoreSession)
        } else {
            sessions = nil
            _ = COpenSSL_SSL_CTX_set_session_cache_mode(ctx, Int(SSL_SESS_CACHE_OFF))
        }
    }

    /// Forgets every remembered session (for instance after a back end's keys changed).
    public func forgetSessions() {
        sessions?.removeAll()
    }

    /// How many servers have a session remembered.
    public var rememberedSessionCount: Int { sessions?.count ?? 0 }
}

/// OpenSSL hands over each new session: after a TLS 1.2 handshake, and for every TLS 1.3
/// `NewSessionTicket` (RFC 8446 §4.6.1), which arrives after the handshake, during a read.
/// Returning 1 keeps OpenSSL's reference.
private func clientStoreSession(_ ssl: OpaquePointer?, _ session: OpaquePointer?) -> Int32 {
    guard let ssl, let session, let engine = TLSEngine.from(ssl),
          let key = engine.sessionCacheKey, let cache = engine.clientContext?.sessions else { return 0 }
    cache.store(StoredSession(adopting: session), for: key)
    return 1
}
