/// Base64 (RFC 4648), the project's one implementation: the opening handshake's
/// `Sec-WebSocket-Key` and `Sec-WebSocket-Accept` (RFC 6455 §4.1, §4.2.2) here, and the auth
/// formats of AuthSchemes (session tokens, SSO tokens, Basic credentials, password hashes).
/// Strict on decode: one alphabet, no whitespace, and only the canonical encoding (unused
/// trailing bits zero, padding exactly as `padding` says), so each byte string has exactly one
/// accepted text and a token cannot be varied. Pure Swift rather than `EVP_DecodeBlock`, which
/// skips whitespace and keeps pad bytes.
public enum Base64 {
    public enum Alphabet: Sendable {
        /// RFC 4648 §4: `+` and `/`.
        case standard
        /// RFC 4648 §5: `-` and `_`.
        case url
    }

    public enum Padding: Sendable {
        /// `=` to a multiple of 4 characters.
        case required
        /// No `=` at all (RFC 4648 §3.2, as PHC strings and JWTs do).
        case none
        /// Either the full padding or none (never a partial one).
        case optional
    }

    /// RFC 4648 §4 (`.standard`) or §5 (`.url`); `padded` false leaves out the `=` (§3.2).
    public static func encode(_ bytes: [UInt8], alphabet: Alphabet, padded: Bool) -> String {
        let table = characters(alphabet)
        var out: [UInt8] = []
        out.reserveCapacity(4 * ((bytes.count + 2) / 3))
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(table[Int(n >> 18)])
            out.append(table[Int(n >> 12 & 63)])
            out.append(table[Int(n >> 6 & 63)])
            out.append(table[Int(n & 63)])
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out.append(table[Int(n >> 18)])
            out.append(table[Int(n >> 12 & 63)])
            if rest == 2 { out.append(table[Int(n >> 6 & 63)]) }
            if padded { out.append(contentsOf: repeatElement(UInt8(ascii: "="), count: 3 - rest)) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes, or nil if `text` is not the canonical encoding in `alphabet` with `padding`.
    public static func decode(_ text: some StringProtocol, alphabet: Alphabet, padding: Padding) -> [UInt8]? {
        var chars = Array(text.utf8)
        var pads = 0
        while chars.last == UInt8(ascii: "=") {
            chars.removeLast()
            pads += 1
        }
        let remainder = chars.count % 4
        guard remainder != 1 else { return nil }
        let expectedPads = remainder == 0 ? 0 : 4 - remainder
        switch padding {
        case .required: guard pads == expectedPads else { return nil }
        case .none: guard pads == 0 else { return nil }
        case .optional: guard pads == 0 || pads == expectedPads else { return nil }
        }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for char in chars {
            guard let value = sextet(char, alphabet) else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        // RFC 4648 §3.5: the pad bits of the last character must be zero (canonical form).
        guard accumulator == 0 else { return nil }
        return out
    }

    private static let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
    private static let standardTable = letters + [UInt8(ascii: "+"), UInt8(ascii: "/")]
    private static let urlTable = letters + [UInt8(ascii: "-"), UInt8(ascii: "_")]

    private static func characters(_ alphabet: Alphabet) -> [UInt8] {
        alphabet == .standard ? standardTable : urlTable
    }

    private static func sextet(_ char: UInt8, _ alphabet: Alphabet) -> UInt8? {
        switch char {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): char - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): char - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+") where alphabet == .standard: 62
        case UInt8(ascii: "/") where alphabet == .standard: 63
        case UInt8(ascii: "-") where alphabet == .url: 62
        case UInt8(ascii: "_") where alphabet == .url: 63
        default: nil
        }
    }
}
