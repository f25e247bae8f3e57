import HTTP1
import WSFraming
import JSON

/// What a browser presents to open an authenticated session: at the WebSocket upgrade
/// (`fromUpgrade`) or, failing that, as its first message (`fromFirstMessage`, within the
/// route's `authTimeoutMilliseconds`, else close 4002). Extraction only: verification is
/// `SessionTokenSigner.verify` or `SSOVerifier.verify` (+ `SSOReplayGuard`).
public enum GateCredential: Sendable, Equatable {
    /// A `SessionTokenSigner` token.
    case session(token: String)
    /// The docs/compatibility.md §1.10 `sso(username, token, provider)` triple; `provider` may be empty.
    case sso(username: String, token: String, provider: String)

    /// Query parameters that carry credentials; `QueryString.removing(names:)` drops them
    /// before the query is forwarded upstream.
    public static let queryParameterNames: Set<String> = ["access_token", "sso_username", "sso_token", "sso_provider"]
    /// The cookie that carries a session token.
    public static let cookieName = "callgate_session"
    /// Longest first message read as a credential, in UTF-8 bytes.
    public static let maxFirstMessageBytes = 8 * 1024

    /// The first credential found in the upgrade request, in this order:
    /// 1. `Authorization: Bearer <token>` (RFC 6750 §2.1; scheme case-insensitive, RFC 9110 §11.1);
    /// 2. the query parameter `access_token` (RFC 6750 §2.3);
    /// 3. the query parameters `sso_username` and `sso_token` (both non-empty), with `sso_provider`
    ///    (absent: empty);
    /// 4. the cookie `callgate_session` (RFC 6265 §5.4 loosely: `;`-separated `name=value`, OWS
    ///    trimmed, one pair of surrounding DQUOTEs removed, no percent-decoding), from any `Cookie` line.
    /// Query values are form-decoded (`QueryString`); empty values are skipped. Nil: none found.
    public static func fromUpgrade(query: String?, headers: HTTPHeaders) -> GateCredential? {
        for value in headers.values(for: "Authorization") {
            if let token = bearerToken(value) { return .session(token: token) }
        }
        if let query {
            let parameters = QueryString(query)
            if let token = parameters.value(named: "access_token"), !token.isEmpty {
                return .session(token: token)
            }
            if let username = parameters.value(named: "sso_username"), !username.isEmpty,
               let token = parameters.value(named: "sso_token"), !token.isEmpty {
                return .sso(username: username, token: token, provider: parameters.value(named: "sso_provider") ?? "")
            }
        }
        for line in headers.values(for: "Cookie") {
            if let token = cookie(named: cookieName, in: line), !token.isEmpty { return .session(token: token) }
        }
        return nil
    }

    /// A credential sent as the session's first text message, a JSON object (RFC 8259):
    /// `{"type":"auth","token":"…"}` or `{"type":"sso","username":"…","token":"…","provider":"…"}`
    /// (`provider` optional, default empty). Other members are ignored. `.malformed` for text over
    /// `maxFirstMessageBytes`, non-objects, another `type`, or a missing or non-string field;
    /// `.missingCredential` for an empty token or username.
    public static func fromFirstMessage(_ text: UnsafeRawBufferPointer) -> Result<GateCredential, AuthError> {
        guard text.count <= maxFirstMessageBytes else { return .failure(.malformed("auth message too long")) }
        guard case .success(.object(let object)) = JSONParser.parse(text) else {
            return .failure(.malformed("auth message is not a JSON object"))
        }
        switch object["type"] {
        case .string("auth")?:
            guard case .string(let token)? = object["token"] else { return .failure(.malformed("auth message without token")) }
            guard !token.isEmpty else { return .failure(.missingCredential) }
            return .success(.session(token: token))
        case .string("sso")?:
            guard case .string(let username)? = object["username"], case .string(let token)? = object["token"] else {
                return .failure(.malformed("sso message without username or token"))
            }
            let provider: String
            switch object["provider"] {
            case nil: provider = ""
            case .string(let value)?: provider = value
            default: return .failure(.malformed("sso provider is not a string"))
            }
            guard !username.isEmpty, !token.isEmpty else { return .failure(.missingCredential) }
            return .success(.sso(username: username, token: token, provider: provider))
        default:
            return .failure(.malformed("auth message type"))
        }
    }

    /// RFC 6750 §2.1: `Bearer` 1*SP b64token. Nil for other schemes or an empty token. Read as
    /// bytes, like every header value here.
    public static func bearerToken(_ value: String) -> String? {
        let trimmed = Array(value.utf8)[...].withoutOWS
        guard trimmed.count > 7, trimmed.starts(withASCIICaseInsensitive: "bearer ") else { return nil }
        let token = trimmed.dropFirst(7).withoutOWS
        return token.isEmpty ? nil : String(decoding: token, as: UTF8.self)
    }

    /// The value of the first cookie `name` in a `Cookie` field value (RFC 6265 §4.2.1, §5.4),
    /// read as bytes.
    public static func cookie(named name: String, in line: String) -> String? {
        for pair in Array(line.utf8).split(separator: UInt8(ascii: ";")) {
            let trimmed = pair.withoutOWS
            guard let equals = trimmed.firstIndex(of: UInt8(ascii: "=")) else { continue }
            guard trimmed[..<equals].withoutOWS.elementsEqual(name.utf8) else { continue }
            var value = trimmed[(equals + 1)...].withoutOWS
            if value.count >= 2, value.first == UInt8(ascii: "\""), value.last == UInt8(ascii: "\"") {
                value = value.dropFirst().dropLast()
            }
            return String(decoding: value, as: UTF8.self)
        }
        return nil
    }
}
