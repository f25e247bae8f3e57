internal import COpenSSL
internal import Glibc

/// What the server's OpenSSL callbacks need: the ALPN list, the SNI table and the ticket keys.
/// Immutable after init (the ticket keys lock themselves), so callbacks on any thread may read it.
/// Every `SSL_CTX` of one `TLSServerContext` points at the same instance through its app data
/// (ex-data index 0); the `TLSServerContext` keeps it alive as long as any engine exists.
final class ServerCallbackState: @unchecked Sendable {
    let alpn: UnsafeMutableBufferPointer<UInt8>
    let sni: SNITable<SSLContextBox>
    let sniContexts: [SSLContextBox]
    let ticketKeys: TLSSessionTicketKeys

    init(alpn: ALPNProtocolList, sni: SNITable<SSLContextBox>, sniContexts: [SSLContextBox], ticketKeys: TLSSessionTicketKeys) {
        // A stable copy: SSL_select_next_proto may point the selected protocol into it.
        self.alpn = .allocate(capacity: max(alpn.wireBytes.count, 1))
        _ = self.alpn.initialize(from: alpn.wireBytes)
        self.alpnCount = alpn.wireBytes.count
        self.sni = sni
        self.sniContexts = sniContexts
        self.ticketKeys = ticketKeys
    }

    let alpnCount: Int

    deinit {
        alpn.deallocate()
    }

    func install(on context: SSLContextBox, sessionTickets: Bool) {
        let ctx = context.pointer
        let me = Unmanaged.passUnretained(self).toOpaque()
        _ = SSL_CTX_set_ex_data(ctx, 0, me)
        if alpnCount > 0 {
            SSL_CTX_set_alpn_select_cb(ctx, serverSelectALPN, me)
        }
        if !sni.isEmpty {
            _ = COpenSSL_SSL_CTX_set_tlsext_servername_callback(ctx, serverSelectCertificate)
            _ = COpenSSL_SSL_CTX_set_tlsext_servername_arg(ctx, me)
        }
        if sessionTickets {
            _ = SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, serverTicketKey)
        }
    }

    static func from(_ pointer: UnsafeMutableRawPointer) -> ServerCallbackState {
        Unmanaged<ServerCallbackState>.fromOpaque(pointer).takeUnretainedValue()
    }
}

/// RFC 7301 §3.2: the server picks one protocol from the client's list, by its own preference;
/// with no overlap it "SHALL respond with a fatal 'no_application_protocol' alert".
private func serverSelectALPN(
    _ ssl: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, _ outLength: UnsafeMutablePointer<UInt8>?,
    _ clientList: UnsafePointer<UInt8>?, _ clientLength: UInt32, _ arg: UnsafeMutableRawPointer?
) -> Int32 {
    guard let arg, let out, let outLength, let clientList else { return SSL_TLSEXT_ERR_ALERT_FATAL }
    let state = ServerCallbackState.from(arg)
    var selected: UnsafeMutablePointer<UInt8>?
    let result = SSL_select_next_proto(&selected, outLength, state.alpn.baseAddress, UInt32(state.alpnCount),
                                       clientList, clientLength)
    guard result == OPENSSL_NPN_NEGOTIATED, let selected else { return SSL_TLSEXT_ERR_ALERT_FATAL }
    out.pointee = UnsafePointer(selected)
    return SSL_TLSEXT_ERR_OK
}

/// RFC 6066 §3: chooses the certificate for the client's `server_name`. An unknown name is served
/// the default certificate rather than refused (the extension allows either; browsers then show
/// the name mismatch, which is the more useful failure).
private func serverSelectCertificate(_ ssl: OpaquePointer?, _ alert: UnsafeMutablePointer<Int32>?, _ arg: UnsafeMutableRawPointer?) -> Int32 {
    guard let ssl, let arg, let name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name) else {
        return SSL_TLSEXT_ERR_OK
    }
    let state = ServerCallbackState.from(arg)
    if let context = state.sni.lookup(String(cString: name)) {
        _ = SSL_set_SSL_CTX(ssl, context.pointer)
    }
    return SSL_TLSEXT_ERR_OK
}

/// AES-256-CBC, fetched once rather than implicitly on every ticket.
nonisolated(unsafe) private let ticketCipher: OpaquePointer? = EVP_CIPHER_fetch(nil, "AES-256-CBC", nil)
/// OSSL_PARAM keeps pointers to its key and value: these live for the process.
nonisolated(unsafe) private let macKeyParameter = strdup(OSSL_MAC_PARAM_KEY)!
nonisolated(unsafe) private let macDigestParameter = strdup(OSSL_MAC_PARAM_DIGEST)!
nonisolated(unsafe) private let macDigestName = strdup("SHA256")!

/// Seals (`encrypt == 1`) or opens a session ticket with the context's ticket keys
/// (`SSL_CTX_set_tlsext_ticket_key_evp_cb`). Returns 1 to use the key, 2 to use it and issue a
/// fresh ticket, 0 when no key has that name (full handshake), -1 on an internal failure.
private func serverTicketKey(
    _ ssl: OpaquePointer?, _ keyName: UnsafeMutablePointer<UInt8>?, _ iv: UnsafeMutablePointer<UInt8>?,
    _ cipherContext: OpaquePointer?, _ macContext: OpaquePointer?, _ encrypt: Int32
) -> Int32 {
    guard let ssl, let keyName, let iv, let ctx = SSL_get_SSL_CTX(ssl),
          let arg = SSL_CTX_get_ex_data(ctx, 0), let ticketCipher else { return -1 }
    let keys = ServerCallbackState.from(arg).ticketKeys
    let key: TicketKey
    var result: Int32 = 1
    if encrypt == 1 {
        key = keys.encryptionKey()
        UnsafeMutableRawBufferPointer(start: keyName, count: TicketKey.nameLength).copyMemory(from: key.name)
        guard RAND_bytes(iv, Int32(EVP_CIPHER_get_iv_length(ticketCipher))) == 1 else { return -1 }
    } else {
        guard let found = keys.decryptionKey(named: UnsafeRawBufferPointer(start: keyName, count: TicketKey.nameLength)) else {
            return 0
        }
        key = found.key
        // Renew when the key is the previous one, and always in TLS 1.3, where a client uses a
        // ticket once (RFC 8446 §C.4) and needs a fresh one for its next connection.
        result = found.isCurrent && SSL_version(ssl) != TLS1_3_VERSION ? 1 : 2
    }
    var parameters = [
        OSSL_PARAM_construct_octet_string(macKeyParameter, key.macKey, TicketKey.macKeyLength),
        OSSL_PARAM_construct_utf8_string(macDigestParameter, macDigestName, 0),
        OSSL_PARAM_construct_end(),
    ]
    guard EVP_MAC_CTX_set_params(macContext, &parameters) == 1 else { return -1 }
    let initialised = encrypt == 1
        ? EVP_EncryptInit_ex(cipherContext, ticketCipher, nil, key.cipherKey, iv)
        : EVP_DecryptInit_ex(cipherContext, ticketCipher, nil, key.cipherKey, iv)
    return initialised == 1 ? result : -1
}
