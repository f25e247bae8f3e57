internal import COpenSSL

/// Comparisons of secrets whose time does not depend on where the bytes differ.
public enum ConstantTime {
    /// Equal bytes, compared with OpenSSL's `CRYPTO_memcmp`. The lengths are not secret: a
    /// different length answers false at once.
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        guard !a.isEmpty else { return true }
        return a.withUnsafeBytes { x in b.withUnsafeBytes { y in CRYPTO_memcmp(x.baseAddress, y.baseAddress, x.count) == 0 } }
    }
}
