internal import COpenSSL
import WSFraming

/// Verifies the SSO tokens of docs/compatibility.md §1.10 (`sso(username, token, provider)`):
///
///     token = base64(sha1_raw(secret + username + timestamp) + username + timestamp)
///
/// `sha1_raw` is the 20-byte binary SHA-1 digest, `+` is byte concatenation (UTF-8),
/// `timestamp` is Unix seconds in decimal ASCII, and base64 is RFC 4648 §4 (standard alphabet).
///
/// Accepted:
/// - base64 with full padding or none (a partial pad, whitespace, `-`/`_` or non-canonical
///   trailing bits are `.malformed`; a `+` turned into a space by form-decoding is not repaired);
/// - at most 1024 characters, at least 21 decoded bytes;
/// - after the digest, exactly the `username` argument's UTF-8 bytes and then 1–12 ASCII digits
///   without a leading zero (otherwise `.wrongUser` if the tail is digits after another name, else
///   `.malformed`). The leading-zero rule closes the formula's ambiguity that a token for user
///   `bob0` at `T` is byte-for-byte a token for `bob` at `0T`; other re-splits move the timestamp
///   by a factor of 10 or more and fall outside the window;
/// - `timestamp ≥ now - validitySeconds` (else `.expired`) and `timestamp ≤ now + clockSkewSeconds`
///   (else `.notYetValid`), checked only after the digest matched.
///
/// Secrets: `secrets[provider]` when the provider argument is non-empty and configured; otherwise
/// the default secret `secrets["*"]`; otherwise `.unknownProvider`. Not enforced here: replay
/// (see `SSOReplayGuard`), and whether the provider name matches a tab in the user's layout.
public struct SSOVerifier: Sendable {
    /// The provider key of the secret used for an empty or unconfigured provider name.
    public static let defaultProvider = "*"

    private let secrets: [String: [UInt8]]
    public let validitySeconds: Int64
    public let clockSkewSeconds: Int64

    /// Longest token text looked at; longer ones are `.malformed` before decoding.
    public static let maxTokenLength = 1024

    public init(secrets: [String: [UInt8]], validitySeconds: Int64 = 300, clockSkewSeconds: Int64 = 30) {
        self.secrets = secrets
        self.validitySeconds = validitySeconds
        self.clockSkewSeconds = clockSkewSeconds
    }

    /// The configured provider names (not their secrets), sorted.
    public var providers: [String] { secrets.keys.sorted() }

    /// Checks `token` for `username` from `provider` at `now` (Unix seconds).
    public func verify(username: String, token: String, provider: String, now: Int64) -> Result<VerifiedSSOToken, AuthError> {
        guard !username.isEmpty, !token.isEmpty else { return .failure(.missingCredential) }
        guard token.utf8.count <= Self.maxTokenLength else { return .failure(.malformed("SSO token too long")) }
        guard let bytes = Base64.decode(token, alphabet: .standard, padding: .optional) else {
            return .failure(.malformed("SSO token is not base64"))
        }
        guard bytes.count > Self.digestLength else { return .failure(.malformed("SSO token too short")) }
        let digest = Array(bytes[..<Self.digestLength])
        let signed = bytes[Self.digestLength...]

        let user = Array(username.utf8)
        let timestampStart = signed.startIndex + user.count
        guard signed.starts(with: user), timestampStart < signed.endIndex,
              signed[timestampStart...].allSatisfy(Self.isDigit) else {
            // Digits after some other name: a token for another user.
            return .failure(signed.last.map(Self.isDigit) == true ? .wrongUser : .malformed("SSO token has no timestamp"))
        }
        let digits = signed[timestampStart...]
        guard digits.count <= 12, digits.first != UInt8(ascii: "0") else {
            return .failure(.malformed("SSO timestamp out of range"))
        }
        let timestamp = digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }

        let secret: [UInt8]
        if !provider.isEmpty, let configured = secrets[provider] {
            secret = configured
        } else if let fallback = secrets[Self.defaultProvider] {
            secret = fallback
        } else {
            return .failure(.unknownProvider(provider))
        }
        let expected = Self.sha1(secret + Array(signed))
        let equal = expected.withUnsafeBytes { a in
            digest.withUnsafeBytes { b in CRYPTO_memcmp(a.baseAddress, b.baseAddress, Self.digestLength) == 0 }
        }
        guard equal else { return .failure(.badSignature) }

        guard timestamp >= now - validitySeconds else { return .failure(.expired) }
        guard timestamp <= now + clockSkewSeconds else { return .failure(.notYetValid) }
        return .success(VerifiedSSOToken(
            user: username, provider: provider, timestamp: timestamp,
            expires: timestamp + validitySeconds, digest: digest))
    }

    /// A token in the docs/compatibility.md §1.10 format, for the gateway's own tools and test pages.
    /// `timestamp` must be positive (Unix seconds).
    public static func makeToken(secret: [UInt8], username: String, timestamp: Int64) -> String {
        precondition(timestamp > 0, "SSO timestamps are positive Unix seconds")
        let signed = Array(username.utf8) + Array(String(timestamp).utf8)
        return Base64.encode(sha1(secret + signed) + signed, alphabet: .standard, padded: true)
    }

    static let digestLength = 20

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// SHA-1 through OpenSSL's `EVP_Digest`.
    static func sha1(_ input: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = input.withUnsafeBytes { input in
            digest.withUnsafeMutableBufferPointer { digest in
                EVP_Digest(input.baseAddress, input.count, digest.baseAddress, &length, EVP_sha1(), nil)
            }
        }
        // SHA-1 over bytes in memory fails only if libcrypto itself is broken.
        precondition(ok == 1 && length == UInt32(digestLength), "EVP_Digest(SHA-1) failed")
        return Array(digest[..<digestLength])
    }
}

extension SSOVerifier: CustomStringConvertible {
    /// Names the providers, never the secrets.
    public var description: String {
        "SSOVerifier(providers: \(providers), validity: \(validitySeconds) s, skew: \(clockSkewSeconds) s)"
    }
}

/// An SSO token that `SSOVerifier.verify` accepted.
public struct VerifiedSSOToken: Sendable, Equatable {
    /// The user name, equal to the `username` argument and to the name inside the token.
    public let user: String
    /// The provider argument as given (possibly empty; `*`'s secret may have verified it).
    public let provider: String
    /// The token's timestamp, Unix seconds.
    public let timestamp: Int64
    /// The last second the token is valid: `timestamp + validitySeconds`.
    public let expires: Int64
    /// The token's 20-byte SHA-1 digest: its identity for `SSOReplayGuard`.
    public let digest: [UInt8]

    /// The session identity for a client at `address`; an empty provider becomes nil.
    public func identity(address: String) -> Identity {
        Identity(user: user, provider: provider.isEmpty ? nil : provider, address: address)
    }
}
