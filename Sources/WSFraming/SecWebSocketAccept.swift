internal import COpenSSL

/// The `Sec-WebSocket-Accept` value, RFC 6455 §4.2.2 step 5.4 (and §1.3): the base64 of the
/// SHA-1 of the client's `Sec-WebSocket-Key` (as sent, without surrounding whitespace) followed
/// by the GUID `258EAFA5-E914-47DA-95CA-C5AB0DC85B11`. SHA-1 comes from OpenSSL.
public enum SecWebSocketAccept {
    /// RFC 6455 §1.3: the globally unique identifier appended to the key.
    public static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// For example `dGhlIHNhbXBsZSBub25jZQ==` gives `s3pPLMBiTxaQ9kYGzzhZRbK+xOo=` (§1.3).
    public static func value(forKey key: String) -> String {
        let input = Array((key + guid).utf8)
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = input.withUnsafeBytes { input in
            digest.withUnsafeMutableBufferPointer { digest in
                EVP_Digest(input.baseAddress, input.count, digest.baseAddress, &length, EVP_sha1(), nil)
            }
        }
        // SHA-1 over a few dozen bytes in memory fails only if libcrypto itself is broken.
        precondition(ok == 1 && length == 20, "EVP_Digest(SHA-1) failed")
        return Base64.encode(Array(digest[..<20]), alphabet: .standard, padded: true)
    }
}
