internal import COpenSSL

/// Hashes of bytes in memory through OpenSSL's one-shot `EVP_Digest`, for content fingerprints
/// such as the static files' entity tags. Not for secrets: use an HMAC and a constant-time
/// comparison for those.
public enum Digest {
    /// SHA-256 (FIPS 180-4): 32 bytes.
    public static func sha256(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        let length = 32
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var written: UInt32 = 0
        let ok = digest.withUnsafeMutableBufferPointer { output in
            EVP_Digest(bytes.baseAddress, bytes.count, output.baseAddress, &written, EVP_sha256(), nil)
        }
        // A digest over memory fails only if libcrypto itself is broken.
        precondition(ok == 1 && written == UInt32(length), "EVP_Digest(SHA-256) failed")
        return Array(digest[..<length])
    }

    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { sha256($0) }
    }
}
