internal import COpenSSL

/// Owns one `SSL_CTX` reference. `SSL_CTX` is safe to share between threads once configured,
/// which is the only way TLSBridge uses it.
final class SSLContextBox: @unchecked Sendable {
    let pointer: OpaquePointer

    /// A new context for `method` (`TLS_server_method()` or `TLS_client_method()`).
    init(method: OpaquePointer?, operation: String) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        guard let pointer = SSL_CTX_new(method) else {
            throw TLSError.drained(.internal, operation)
        }
        self.pointer = pointer
    }

    deinit {
        SSL_CTX_free(pointer)
    }

    /// Sets the version range; TLS 1.3 is preferred whenever the range allows it (RFC 8446 §4.2.1).
    func setVersions(minimum: TLSVersion, maximum: TLSVersion?) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        guard COpenSSL_SSL_CTX_set_min_proto_version(pointer, Int32(minimum.wireValue)) == 1 else {
            throw TLSError.drained(.configuration, "minimum version \(minimum)", fallback: "unsupported version")
        }
        OpenSSLErrorQueue.clear()
        if let maximum, COpenSSL_SSL_CTX_set_max_proto_version(pointer, Int32(maximum.wireValue)) != 1 {
            throw TLSError.drained(.configuration, "maximum version \(maximum)", fallback: "unsupported version")
        }
    }

    func setCiphers(list: String, suites: String) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        guard SSL_CTX_set_cipher_list(pointer, list) == 1 else {
            throw TLSError.drained(.configuration, "SSL_CTX_set_cipher_list(\(list))")
        }
        OpenSSLErrorQueue.clear()
        guard SSL_CTX_set_ciphersuites(pointer, suites) == 1 else {
            throw TLSError.drained(.configuration, "SSL_CTX_set_ciphersuites(\(suites))")
        }
    }

    func setGroups(_ groups: String) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        guard COpenSSL_SSL_CTX_set1_groups_list(pointer, groups) == 1 else {
            throw TLSError.drained(.configuration, "SSL_CTX_set1_groups_list(\(groups))")
        }
    }

    /// No renegotiation (removed by RFC 8446; a TLS 1.2 DoS lever) and no compression (CRIME).
    /// Modes: partial writes and moving buffers suit a caller that loops over slices. Not
    /// `SSL_MODE_RELEASE_BUFFERS`: it frees and reallocates the record buffers around every
    /// record; `TLSEngine.releaseIdleMemory()` frees them once a connection is quiet instead.
    func setCommonOptions() {
        SSL_CTX_set_options(pointer, COpenSSL_SSL_OP_NO_RENEGOTIATION() | COpenSSL_SSL_OP_NO_COMPRESSION())
        _ = COpenSSL_SSL_CTX_set_mode(
            pointer, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))
    }

    /// Loads a PEM chain (leaf first) and its private key, and checks that they belong together.
    func useCertificate(chainFile: String, keyFile: String) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        guard SSL_CTX_use_certificate_chain_file(pointer, chainFile) == 1 else {
            throw TLSError.drained(.certificate, "SSL_CTX_use_certificate_chain_file(\(chainFile))")
        }
        OpenSSLErrorQueue.clear()
        guard SSL_CTX_use_PrivateKey_file(pointer, keyFile, SSL_FILETYPE_PEM) == 1 else {
            throw TLSError.drained(.certificate, "SSL_CTX_use_PrivateKey_file(\(keyFile))")
        }
        OpenSSLErrorQueue.clear()
        guard SSL_CTX_check_private_key(pointer) == 1 else {
            throw TLSError.drained(.certificate, "SSL_CTX_check_private_key(\(chainFile), \(keyFile))")
        }
    }

    /// Trusts the CA certificates in a PEM file.
    func trust(file: String) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        guard SSL_CTX_load_verify_locations(pointer, file, nil) == 1 else {
            throw TLSError.drained(.configuration, "SSL_CTX_load_verify_locations(\(file))")
        }
    }
}
