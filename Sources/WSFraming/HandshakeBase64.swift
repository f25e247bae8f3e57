internal import COpenSSL

/// Base64 (RFC 4648 §4) for the opening handshake: encoding through OpenSSL, and a strict
/// validator for `Sec-WebSocket-Key` (validation only, so it needs no crypto library).
enum HandshakeBase64 {
    /// Standard base64 with padding, via `EVP_EncodeBlock`.
    static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8](repeating: 0, count: 4 * ((bytes.count + 2) / 3) + 1)
        let written = out.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                EVP_EncodeBlock(out.baseAddress, input.baseAddress, Int32(input.count))
            }
        }
        precondition(written >= 0 && Int(written) < out.count, "EVP_EncodeBlock failed")
        return String(decoding: out[..<Int(written)], as: UTF8.self)
    }

    /// RFC 6455 §4.1 and §4.2.1 item 5: whether `key` is the canonical base64 encoding of exactly
    /// 16 bytes: 22 alphabet characters, the last of which carries only 2 data bits (so it is one
    /// of `A`, `Q`, `g`, `w`), then `==`. Anything else, including whitespace, is rejected.
    static func isValidKey(_ key: String) -> Bool {
        let utf8 = Array(key.utf8)
        guard utf8.count == 24, utf8[22] == UInt8(ascii: "="), utf8[23] == UInt8(ascii: "=") else { return false }
        for byte in utf8[..<22] where !isAlphabet(byte) { return false }
        switch utf8[21] {
        case UInt8(ascii: "A"), UInt8(ascii: "Q"), UInt8(ascii: "g"), UInt8(ascii: "w"): return true
        default: return false
        }
    }

    private static func isAlphabet(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }
}
