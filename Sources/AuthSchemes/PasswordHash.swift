internal import COpenSSL
import WSFraming

/// Password hashes for local logins, in PHC-like strings; a password is never stored in clear.
///
///     $pbkdf2-sha256$i=<iterations>$<salt>$<hash>
///     $scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>
///
/// `<salt>` and `<hash>` are standard base64 (RFC 4648 §4) **without** padding, as in the PHC
/// string format; parameters are decimals without leading zeros, in exactly this order. The
/// password is its UTF-8 bytes as given (no Unicode normalization). PBKDF2 is RFC 8018 §5.2 with
/// HMAC-SHA-256; scrypt is RFC 7914. `make` writes 32-byte hashes. Not compatible with passlib's
/// `$pbkdf2-sha256$` (its "ab64" alphabet and bare iteration count differ).
///
/// Limits on strings read back, so a hostile or mistaken config cannot hang the gateway
/// (outside them: `.malformed`): PBKDF2 1 ≤ i ≤ 10 000 000; scrypt 1 ≤ ln ≤ 20, 1 ≤ r ≤ 32,
/// 1 ≤ p ≤ 16, memory 128·r·2^ln ≤ 512 MiB and work 2^ln·r·p ≤ 2^22 (the default is 2^18);
/// salt 1–64 bytes, hash 16–64 bytes, string ≤ 512 characters. Passwords over 4096 bytes never
/// match (`.badPassword`).
public enum PasswordHash {
    public enum Scheme: Sendable, Equatable {
        case pbkdf2SHA256(iterations: Int)
        case scrypt(logN: Int, r: Int, p: Int)

        /// OWASP's 2023 figure for PBKDF2-HMAC-SHA256.
        public static let pbkdf2Default = Scheme.pbkdf2SHA256(iterations: 600_000)
        /// RFC 7914 §2's interactive-login suggestion raised to N = 2^15 (32 MiB).
        public static let scryptDefault = Scheme.scrypt(logN: 15, r: 8, p: 1)

        /// Whether the cost parameters are inside the limits in `PasswordHash`'s comment.
        public var isWithinLimits: Bool {
            switch self {
            case .pbkdf2SHA256(let iterations):
                return (1...10_000_000).contains(iterations)
            case .scrypt(let logN, let r, let p):
                guard (1...20).contains(logN), (1...32).contains(r), (1...16).contains(p) else { return false }
                return (128 * r) << logN <= 512 << 20 && (r * p) << logN <= 1 << 22
            }
        }
    }

    public static let hashLength = 32
    public static let maxPasswordBytes = 4096
    static let maxStoredLength = 512

    /// The stored form of `password`. `salt` must be 8–64 random bytes (16 is usual) and
    /// `scheme` within limits; both are the caller's duty (precondition).
    public static func make(password: String, scheme: Scheme, salt: [UInt8]) -> String {
        precondition((8...64).contains(salt.count), "salt must be 8 to 64 bytes")
        precondition(scheme.isWithinLimits, "password hash cost outside the accepted limits")
        let bytes = Array(password.utf8)
        precondition(bytes.count <= maxPasswordBytes, "password too long")
        guard let hash = derive(password: bytes, salt: salt, scheme: scheme, length: hashLength) else {
            preconditionFailure("key derivation failed")
        }
        let parameters = switch scheme {
        case .pbkdf2SHA256(let iterations): "pbkdf2-sha256$i=\(iterations)"
        case .scrypt(let logN, let r, let p): "scrypt$ln=\(logN),r=\(r),p=\(p)"
        }
        return "$\(parameters)$\(Base64.encode(salt, alphabet: .standard, padded: false))$\(Base64.encode(hash, alphabet: .standard, padded: false))"
    }

    /// Success when `password` matches `stored`; `.malformed` for an unreadable or out-of-limits
    /// `stored`, `.badPassword` for a mismatch. The comparison is constant time.
    public static func verify(password: String, against stored: String) -> Result<Void, AuthError> {
        let parsed: Parsed
        switch parse(stored) {
        case .success(let value): parsed = value
        case .failure(let error): return .failure(error)
        }
        let bytes = Array(password.utf8)
        guard bytes.count <= maxPasswordBytes else { return .failure(.badPassword) }
        guard let derived = derive(password: bytes, salt: parsed.salt, scheme: parsed.scheme, length: parsed.hash.count) else {
            return .failure(.malformed("password hash could not be computed"))
        }
        let equal = derived.withUnsafeBytes { a in
            parsed.hash.withUnsafeBytes { b in CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0 }
        }
        return equal ? .success(()) : .failure(.badPassword)
    }

    struct Parsed: Equatable {
        var scheme: Scheme
        var salt: [UInt8]
        var hash: [UInt8]
    }

    static func parse(_ stored: String) -> Result<Parsed, AuthError> {
        guard stored.utf8.count <= maxStoredLength else { return .failure(.malformed("password hash too long")) }
        let fields = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0].isEmpty else { return .failure(.malformed("not a $scheme$…$salt$hash string")) }
        let scheme: Scheme
        switch fields[1] {
        case "pbkdf2-sha256":
            guard let values = parameters(fields[2], names: ["i"]) else {
                return .failure(.malformed("pbkdf2-sha256 parameters"))
            }
            scheme = .pbkdf2SHA256(iterations: values[0])
        case "scrypt":
            guard let values = parameters(fields[2], names: ["ln", "r", "p"]) else {
                return .failure(.malformed("scrypt parameters"))
            }
            scheme = .scrypt(logN: values[0], r: values[1], p: values[2])
        default:
            return .failure(.malformed("unknown password hash scheme"))
        }
        guard scheme.isWithinLimits else { return .failure(.malformed("password hash cost outside limits")) }
        guard let salt = Base64.decode(fields[3], alphabet: .standard, padding: .none), (1...64).contains(salt.count),
              let hash = Base64.decode(fields[4], alphabet: .standard, padding: .none), (16...64).contains(hash.count) else {
            return .failure(.malformed("password hash salt or hash"))
        }
        return .success(Parsed(scheme: scheme, salt: salt, hash: hash))
    }

    /// `name=value` pairs separated by commas, exactly `names` in order, values 1–8 digit decimals
    /// without leading zeros.
    private static func parameters(_ text: Substring, names: [String]) -> [Int]? {
        let pairs = text.split(separator: ",", omittingEmptySubsequences: false)
        guard pairs.count == names.count else { return nil }
        var values: [Int] = []
        for (pair, name) in zip(pairs, names) {
            guard pair.hasPrefix(name + "=") else { return nil }
            let digits = pair.dropFirst(name.count + 1)
            guard (1...8).contains(digits.count), digits.first != "0",
                  digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                  let value = Int(digits) else { return nil }
            values.append(value)
        }
        return values
    }

    /// The raw key of `length` bytes, through OpenSSL's `PKCS5_PBKDF2_HMAC` or `EVP_PBE_scrypt`;
    /// nil if OpenSSL refuses (for example, scrypt cannot get its memory).
    static func derive(password: [UInt8], salt: [UInt8], scheme: Scheme, length: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: length)
        let ok = password.withUnsafeBytes { password in
            salt.withUnsafeBufferPointer { salt in
                out.withUnsafeMutableBufferPointer { out in
                    let pass = password.baseAddress?.assumingMemoryBound(to: CChar.self)
                    switch scheme {
                    case .pbkdf2SHA256(let iterations):
                        return PKCS5_PBKDF2_HMAC(pass, Int32(password.count), salt.baseAddress, Int32(salt.count),
                                                 Int32(iterations), EVP_sha256(), Int32(out.count), out.baseAddress) == 1
                    case .scrypt(let logN, let r, let p):
                        // OpenSSL's own estimate is 128·r·(N + 2 + p); allow that plus slack.
                        let memory = UInt64(128 * r * ((1 << logN) + 2 + p) + (1 << 16))
                        return EVP_PBE_scrypt(pass, password.count, salt.baseAddress, salt.count,
                                              UInt64(1) << UInt64(logN), UInt64(r), UInt64(p), memory,
                                              out.baseAddress, out.count) == 1
                    }
                }
            }
        }
        return ok ? out : nil
    }
}
