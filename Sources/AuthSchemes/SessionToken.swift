internal import COpenSSL
import WSFraming
import HTTP1

/// Callgate's own bearer token, issued after a login for the side channels and widgets
/// (docs/compatibility.md §1.2.1 `api` channels, the last-callers page). Format, every part ASCII:
///
///     token   = "v1." B64URL(payload) "." B64URL(HMAC-SHA256(key, "v1." B64URL(payload)))
///     payload = pct(user) LF pct(provider) LF pct(scope) LF issued LF expires
///
/// - `B64URL` is RFC 4648 §5 base64url **without** padding; the MAC is over the ASCII bytes of
///   the first two parts exactly as they appear in the token, dot included.
/// - `pct(s)` is the UTF-8 of `s` with every byte except `A–Z a–z 0–9 - . _ ~` written as `%XX`
///   (uppercase hex; RFC 3986 §2.1 and §2.3), i.e. Python's `urllib.parse.quote(s, safe="")`.
/// - `issued` and `expires` are Unix seconds, non-negative decimals without leading zeros.
/// - LF is the single byte 0x0A; exactly five fields.
///
/// So in Python: `p = b64u("\n".join([quote(user, safe=""), quote(provider, safe=""),
/// quote(scope, safe=""), str(issued), str(expires)]).encode())`, `s = b"v1." + p`,
/// `token = s + b"." + b64u(hmac.new(key, s, "sha256").digest())`, with `b64u` the urlsafe
/// base64 with `=` stripped.
///
/// Valid while `now < expires` and `issued <= now + clockSkewSeconds`. Not enforced: revocation
/// (a token is good until it expires, so keep lifetimes short) and binding to a client address.
public struct SessionTokenSigner: Sendable {
    /// Shortest accepted key: 32 bytes, the HMAC-SHA256 output size (RFC 2104 §3).
    public static let minimumKeyLength = 32
    /// Longest token text looked at; longer ones are `.malformed` before decoding.
    public static let maxTokenLength = 4096
    static let prefix = "v1."

    private let key: [UInt8]
    public let clockSkewSeconds: Int64

    /// Nil when `key` is shorter than `minimumKeyLength` bytes.
    public init?(key: [UInt8], clockSkewSeconds: Int64 = 30) {
        guard key.count >= Self.minimumKeyLength else { return nil }
        self.key = key
        self.clockSkewSeconds = clockSkewSeconds
    }

    public func issue(_ claims: SessionClaims) -> String {
        precondition(claims.issued >= 0 && claims.expires >= 0, "session token times are Unix seconds")
        let payload = [Self.percentEncode(claims.user), Self.percentEncode(claims.provider),
                       Self.percentEncode(claims.scope), String(claims.issued), String(claims.expires)]
            .joined(separator: "\n")
        let signed = Self.prefix + Base64.encode(Array(payload.utf8), alphabet: .url, padded: false)
        return signed + "." + Base64.encode(mac(Array(signed.utf8)), alphabet: .url, padded: false)
    }

    /// The claims of `token` if its MAC is good, it was issued for `scope`, and it is valid at `now`.
    public func verify(_ token: String, scope: String, now: Int64) -> Result<SessionClaims, AuthError> {
        guard !token.isEmpty else { return .failure(.missingCredential) }
        let bytes = Array(token.utf8)
        guard bytes.count <= Self.maxTokenLength else { return .failure(.malformed("session token too long")) }
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].elementsEqual("v1".utf8) else {
            return .failure(.malformed("not a v1 session token"))
        }
        guard let payload = Base64.decode(String(decoding: parts[1], as: UTF8.self), alphabet: .url, padding: .none),
              let tag = Base64.decode(String(decoding: parts[2], as: UTF8.self), alphabet: .url, padding: .none),
              tag.count == Self.macLength else {
            return .failure(.malformed("session token is not base64url"))
        }
        let expected = mac(Array(bytes[..<parts[2].startIndex].dropLast()))
        let equal = expected.withUnsafeBytes { a in
            tag.withUnsafeBytes { b in CRYPTO_memcmp(a.baseAddress, b.baseAddress, Self.macLength) == 0 }
        }
        guard equal else { return .failure(.badSignature) }
        guard let claims = Self.parse(payload) else { return .failure(.malformed("session token payload")) }
        guard claims.scope == scope else { return .failure(.wrongScope) }
        guard now < claims.expires else { return .failure(.expired) }
        guard claims.issued <= now + clockSkewSeconds else { return .failure(.notYetValid) }
        return .success(claims)
    }

    static let macLength = 32

    /// HMAC-SHA256 through OpenSSL 3's `EVP_Q_mac`.
    private func mac(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Self.macLength)
        var length = 0
        let ok = key.withUnsafeBytes { key in
            data.withUnsafeBufferPointer { data in
                out.withUnsafeMutableBufferPointer { out in
                    EVP_Q_mac(nil, "HMAC", nil, "SHA256", nil, key.baseAddress, key.count,
                              data.baseAddress, data.count, out.baseAddress, out.count, &length) != nil
                }
            }
        }
        // HMAC over bytes in memory fails only if libcrypto itself is broken.
        precondition(ok && length == Self.macLength, "EVP_Q_mac(HMAC-SHA256) failed")
        return out
    }

    private static func parse(_ payload: [UInt8]) -> SessionClaims? {
        let fields = payload.split(separator: 0x0A, omittingEmptySubsequences: false)
        guard fields.count == 5,
              let user = percentDecode(fields[0]), let provider = percentDecode(fields[1]),
              let scope = percentDecode(fields[2]),
              let issued = decimal(fields[3]), let expires = decimal(fields[4]) else { return nil }
        return SessionClaims(user: user, provider: provider, scope: scope, issued: issued, expires: expires)
    }

    static func percentEncode(_ text: String) -> String {
        QueryString.percentEncode(text)
    }

    private static func percentDecode(_ field: ArraySlice<UInt8>) -> String? {
        QueryString.percentDecode(String(decoding: field, as: UTF8.self), plusAsSpace: false)
    }

    /// A non-negative decimal without leading zeros that fits an `Int64`.
    private static func decimal(_ field: ArraySlice<UInt8>) -> Int64? {
        guard !field.isEmpty, field.count <= 18, field.count == 1 || field.first != UInt8(ascii: "0"),
              field.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return field.reduce(0) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
    }
}

extension SessionTokenSigner: CustomStringConvertible {
    /// Never shows the key.
    public var description: String { "SessionTokenSigner(v1, HMAC-SHA256, skew: \(clockSkewSeconds) s)" }
}

/// What a session token asserts. `scope` names where it may be used: a channel name of the
/// route table (`recording`, `report`, …) or a widget (`lastcaller`).
public struct SessionClaims: Sendable, Equatable {
    public var user: String
    /// How the user logged in before the token was issued: an SSO provider, `password`, …
    public var provider: String
    public var scope: String
    /// Unix seconds when issued.
    public var issued: Int64
    /// Unix seconds from which the token is no longer valid.
    public var expires: Int64

    public init(user: String, provider: String, scope: String, issued: Int64, expires: Int64) {
        self.user = user
        self.provider = provider
        self.scope = scope
        self.issued = issued
        self.expires = expires
    }

    /// The session identity for a client at `address`, expiring with the token; an empty
    /// provider becomes nil.
    public func identity(address: String) -> Identity {
        Identity(user: user, provider: provider.isEmpty ? nil : provider, address: address, expires: expires)
    }
}
