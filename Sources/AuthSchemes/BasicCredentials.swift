import WSFraming

/// The `Basic` HTTP authentication scheme (RFC 7617), read from an `Authorization` field value:
///
///     credentials = "Basic" 1*SP token68                  ; RFC 7617 §2, RFC 9110 §11.4
///     token68     = base64(user-id ":" password)          ; RFC 4648 §4, with padding
///
/// - The scheme name is case-insensitive (RFC 9110 §11.1); optional whitespace around the value
///   is ignored.
/// - The base64 must be canonical (`Base64.decode`, `.required` padding): no whitespace inside,
///   no other alphabet.
/// - The decoded bytes must be UTF-8: the gateway's challenge says `charset="UTF-8"` (§2.1).
/// - The **first** colon splits: a user-id cannot contain one, a password may (§2).
/// - RFC 7617 §2: the user-id and password MUST NOT contain control characters (CTL, RFC 5234
///   B.1: U+0000–U+001F and U+007F); such credentials are `malformed`.
///
/// Not enforced: Unicode normalisation (§2.1 asks clients to send NFC; the bytes are compared
/// as sent, like a `/ws` login's password).
public struct BasicCredentials: Hashable, Sendable {
    public var user: String
    public var password: String

    /// Longest token68 looked at, in bytes (user name and password together stay far below).
    public static let maxEncodedLength = 4096

    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }

    /// The challenge of a 401 for `realm` (RFC 7617 §2 and §2.1), e.g.
    /// `Basic realm="callgate", charset="UTF-8"`. `realm` must not contain `"` or `\`.
    public static func challenge(realm: String) -> String {
        precondition(!realm.contains("\"") && !realm.contains("\\"), "a realm is written as a plain quoted string")
        return "Basic realm=\"\(realm)\", charset=\"UTF-8\""
    }

    /// Nil when `value` is not of the Basic scheme (another scheme, or empty); otherwise the
    /// credentials, `.malformed` for a token that is not base64, not UTF-8, has no colon or
    /// holds control characters, and `.missingCredential` for an empty user-id.
    public static func parse(authorization value: String) -> Result<BasicCredentials, AuthError>? {
        let bytes = Array(value.utf8)[...].withoutOWS
        guard bytes.starts(withASCIICaseInsensitive: "basic") else { return nil }
        let rest = bytes.dropFirst(5)
        // 1*SP between the scheme and the token; "Basicx" is another scheme.
        guard let first = rest.first else { return .failure(.missingCredential) }
        guard first == UInt8(ascii: " ") else { return nil }
        let token = rest.drop { $0 == UInt8(ascii: " ") }
        guard !token.isEmpty else { return .failure(.missingCredential) }
        guard token.count <= maxEncodedLength else { return .failure(.malformed("basic credentials too long")) }
        guard let decoded = Base64.decode(String(decoding: token, as: UTF8.self), alphabet: .standard, padding: .required) else {
            return .failure(.malformed("basic credentials are not base64"))
        }
        guard String(validating: decoded, as: UTF8.self) != nil else {
            return .failure(.malformed("basic credentials are not UTF-8"))
        }
        guard let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else {
            return .failure(.malformed("basic credentials without a colon"))
        }
        // RFC 7617 §2: no CTL in either part (the colon itself is not one).
        guard !decoded.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
            return .failure(.malformed("basic credentials contain control characters"))
        }
        let user = String(decoding: decoded[..<colon], as: UTF8.self)
        let password = String(decoding: decoded[(colon + 1)...], as: UTF8.self)
        guard !user.isEmpty else { return .failure(.missingCredential) }
        return .success(BasicCredentials(user: user, password: password))
    }

    /// The `Authorization` field value for these credentials (for tests and clients).
    public var authorization: String {
        "Basic " + Base64.encode(Array((user + ":" + password).utf8), alphabet: .standard, padded: true)
    }
}
