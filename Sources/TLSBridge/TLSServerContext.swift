internal import COpenSSL

/// The server side's shared, immutable TLS state: certificates (one per SNI name), versions,
/// ciphers, ALPN and session-ticket keys. Build it once, then make one `TLSEngine` per accepted
/// connection from any thread.
///
/// Reloading certificates (SIGHUP) means building a new context from the configuration and
/// making new engines from it. Engines keep their context alive, so connections accepted before
/// the reload go on with the old certificates until they close. Pass `ticketKeys: old.ticketKeys`
/// to keep resuming sessions issued before the reload.
public final class TLSServerContext: @unchecked Sendable {   // immutable after init; ticket keys lock
    public let configuration: TLSServerConfiguration
    /// The keys that seal session tickets; rotate through `rotateTicketKeys()`.
    public let ticketKeys: TLSSessionTicketKeys
    /// Serves absent and unknown SNI names, and owns the session settings for every connection.
    let defaultContext: SSLContextBox
    /// Reached from OpenSSL's callbacks through the `SSL_CTX`s' app data.
    let callbackState: ServerCallbackState

    /// Loads every certificate and key and checks every setting; throws the first failure.
    public init(_ configuration: TLSServerConfiguration, ticketKeys: TLSSessionTicketKeys? = nil) throws(TLSError) {
        guard configuration.minimumVersion >= .tls12, configuration.minimumVersion <= .tls13 else {
            throw TLSError(kind: .configuration, operation: "minimum version",
                           reasons: ["a server accepts TLSv1.2 or TLSv1.3 as its minimum, not \(configuration.minimumVersion)"])
        }
        // RFC 8446 §4.6.1: "Servers MUST NOT use any value greater than 604800 seconds (7 days)."
        guard (1...604_800).contains(configuration.sessionLifetime) else {
            throw TLSError(kind: .configuration, operation: "session lifetime",
                           reasons: ["must be 1 to 604800 seconds, not \(configuration.sessionLifetime)"])
        }
        guard configuration.ticketsPerHandshake >= 0, configuration.sessionCacheSize >= 0 else {
            throw TLSError(kind: .configuration, operation: "session settings", reasons: ["counts must not be negative"])
        }
        let alpn = try ALPNProtocolList(protocols: configuration.alpnProtocols)
        self.configuration = configuration
        if let ticketKeys { self.ticketKeys = ticketKeys } else { self.ticketKeys = try TLSSessionTicketKeys() }

        defaultContext = try Self.makeContext(configuration, chainFile: configuration.certificateChainFile,
                                              keyFile: configuration.privateKeyFile)
        var sni = SNITable<SSLContextBox>()
        var sniContexts: [SSLContextBox] = []
        for entry in configuration.sniCertificates {
            let context = try Self.makeContext(configuration, chainFile: entry.certificateChainFile,
                                               keyFile: entry.privateKeyFile)
            for name in entry.serverNames { sni.add(name, context) }
            sniContexts.append(context)
        }
        callbackState = ServerCallbackState(alpn: alpn, sni: sni, sniContexts: sniContexts, ticketKeys: self.ticketKeys)
        callbackState.install(on: defaultContext, sessionTickets: configuration.sessionTickets)
        for context in callbackState.sniContexts {
            callbackState.install(on: context, sessionTickets: configuration.sessionTickets)
        }
    }

    /// Rotates the session-ticket keys (see `TLSSessionTicketKeys.rotate()`).
    public func rotateTicketKeys() throws(TLSError) {
        try ticketKeys.rotate()
    }

    /// One `SSL_CTX` with every setting but the callbacks. SNI contexts get the same settings, as
    /// OpenSSL takes some (ALPN, certificate verification store) from the context SNI selects.
    private static func makeContext(_ configuration: TLSServerConfiguration, chainFile: String, keyFile: String) throws(TLSError) -> SSLContextBox {
        let context = try SSLContextBox(method: TLS_server_method(), operation: "SSL_CTX_new(TLS_server_method)")
        let ctx = context.pointer
        try context.setVersions(minimum: configuration.minimumVersion, maximum: nil)
        try context.setCiphers(list: configuration.cipherList, suites: configuration.cipherSuites)
        try context.setGroups(configuration.groups)
        context.setCommonOptions()
        // The chain sent is the file's, leaf first (RFC 8446 §4.4.2): without this OpenSSL builds
        // one from the context's trust store on every handshake when the file holds no
        // intermediates (an X509_STORE_CTX and a verification per handshake; nginx sets it too).
        _ = COpenSSL_SSL_CTX_set_mode(ctx, Int(SSL_MODE_NO_AUTO_CHAIN))
        try context.useCertificate(chainFile: chainFile, keyFile: keyFile)

        // Sessions resume across every certificate of this context, and only within it.
        let sessionContext = Array("callgate".utf8)
        _ = SSL_CTX_set_session_id_context(ctx, sessionContext, UInt32(sessionContext.count))
        _ = SSL_CTX_set_timeout(ctx, Int(configuration.sessionLifetime))
        if configuration.sessionCacheSize > 0 {
            _ = COpenSSL_SSL_CTX_set_session_cache_mode(ctx, Int(SSL_SESS_CACHE_SERVER))
            _ = COpenSSL_SSL_CTX_sess_set_cache_size(ctx, configuration.sessionCacheSize)
        } else {
            _ = COpenSSL_SSL_CTX_set_session_cache_mode(ctx, Int(SSL_SESS_CACHE_OFF))
        }
        if configuration.sessionTickets {
            _ = SSL_CTX_set_num_tickets(ctx, configuration.ticketsPerHandshake)
        } else {
            SSL_CTX_set_options(ctx, COpenSSL_SSL_OP_NO_TICKET())
            _ = SSL_CTX_set_num_tickets(ctx, configuration.sessionCacheSize > 0 ? configuration.ticketsPerHandshake : 0)
        }

        switch configuration.clientAuthentication {
        case .none:
            SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nil)
        case .optional(let trustFile), .required(let trustFile):
            try context.trust(file: trustFile)
            // The CA names sent in CertificateRequest (RFC 8446 §4.2.4) help a client pick its certificate.
            OpenSSLErrorQueue.clear()
            guard let names = SSL_load_client_CA_file(trustFile) else {
                throw TLSError.drained(.configuration, "SSL_load_client_CA_file(\(trustFile))")
            }
            SSL_CTX_set_client_CA_list(ctx, names)
            var mode = SSL_VERIFY_PEER
            if case .required = configuration.clientAuthentication { mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT }
            SSL_CTX_set_verify(ctx, mode, nil)
        }
        return context
    }
}
