internal import COpenSSL

/// MD5 (RFC 1321), for the one format that asks for it: the Vodia click-to-call link
/// (docs/compatibility.md §2.3, `pass = md5(…)`). Not for anything new: MD5 is broken for collisions; what keeps
/// the Vodia link safe enough is the secret inside the hashed text and the short window.
///
/// Through OpenSSL's `EVP_Digest` with `EVP_md5()`, like SHA-1 in `SSOVerifier`: AuthSchemes already
/// links libcrypto for its hashes, MACs and KDFs (Package.swift), so there is no reason to pass
/// a hashing closure in from the gateway or to carry a hand-written MD5. MD5 is in OpenSSL 3's
/// default provider (it is only absent under the FIPS provider, where this traps at the first
/// use; Callgate does not run FIPS-only). Tests check it against RFC 1321 §A.5's vectors and
/// `openssl dgst -md5`.
public enum MD5 {
    public static let digestLength = 16

    public static func digest(_ input: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = input.withUnsafeBytes { input in
            digest.withUnsafeMutableBufferPointer { digest in
                EVP_Digest(input.baseAddress, input.count, digest.baseAddress, &length, EVP_md5(), nil)
            }
        }
        precondition(ok == 1 && length == UInt32(digestLength), "EVP_Digest(MD5) failed (a FIPS-only OpenSSL?)")
        return Array(digest[..<digestLength])
    }

    /// Lowercase hex of `bytes`.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes { out += [digits[Int(byte >> 4)], digits[Int(byte & 15)]] }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of hex text of either case; nil for an odd length or a non-hex character.
    public static func bytes(hex text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var index = 0
        while index < chars.count {
            guard let high = nibble(chars[index]), let low = nibble(chars[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func nibble(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): char - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
