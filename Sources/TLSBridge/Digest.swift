internal import COpenSSL

/// Hashes of bytes in memory through OpenSSL's one-shot `EVP_Digest`, for content fingerprints
/// such as the static files' entity tags. Not for secrets: use an HMAC and a constant-time
/// comparison for those.
public enum Digest {
    /// SHA-256 (FIPS 180-4): 32 bytes.
    public static func sha256(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        digest(bytes, EVP_sha256(), length: 32, name: "SHA-256")
    }

    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { sha256($0) }
    }

    /// SHA-1 (FIPS 180-4): 20 bytes. For names that a protocol defines by SHA-1 (a Redis
    /// script's `EVALSHA` digest), never for integrity.
    public static func sha1(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { digest($0, EVP_sha1(), length: 20, name: "SHA-1") }
    }

    private static func digest(_ bytes: UnsafeRawBufferPointer, _ md: OpaquePointer?, length: Int, name: String) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var written: UInt32 = 0
        let ok = digest.withUnsafeMutableBufferPointer { output in
            EVP_Digest(bytes.baseAddress, bytes.count, output.baseAddress, &written, md, nil)
        }
        // A digest over memory fails only if libcrypto itself is broken.
        precondition(ok == 1 && written == UInt32(length), "EVP_Digest(\(name)) failed")
        return Array(digest[..<length])
    }
}
