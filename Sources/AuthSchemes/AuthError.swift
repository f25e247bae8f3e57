/// Why a credential was refused. One enum for every auth scheme in AuthSchemes; the gateway maps it
/// to a close code (WebSocket) through `CloseCode(_: AuthError)` (Routes) and to a status (HTTP) through `httpStatus`.
///
/// | case                          | close | HTTP | meaning                                         |
/// |-------------------------------|-------|------|-------------------------------------------------|
/// | `missingCredential`           | 4001  | 401  | nothing presented, or an empty field            |
/// | `malformed(_)`                | 4001  | 401  | not parseable (bad base64, layout, JSON, …)     |
/// | `badSignature`                | 4001  | 401  | SSO digest or session MAC does not match        |
/// | `unknownProvider(_)`          | 4001  | 401  | no SSO secret for the provider and no `*`       |
/// | `expired`                     | 4003  | 401  | past its validity: the client may fetch a new one |
/// | `notYetValid`                 | 4001  | 401  | issued further in the future than the clock skew |
/// | `replayed`                    | 4001  | 401  | an SSO token already used (or replay guard full) |
/// | `wrongUser`                   | 4001  | 401  | the token names another user                    |
/// | `wrongScope`                  | 4001  | 401  | a session token for another channel             |
/// | `badPassword`, `unknownUser`  | 4001  | 401  | login refused                                   |
///
/// 4002 is reserved for "authentication timeout": no credential arrived within the route's
/// `authTimeoutMilliseconds`. No `AuthError` maps to it; the gateway raises it itself
/// (`CloseCode.authenticationTimeout`). Codes 4000–4999 are private use (RFC 6455 §7.4.2).
public enum AuthError: Error, Equatable, Sendable {
    case missingCredential
    /// The associated text says what was wrong for logs; it never quotes the credential.
    case malformed(String)
    case badSignature
    /// The provider name as given (not secret).
    case unknownProvider(String)
    case expired
    case notYetValid
    case replayed
    case wrongUser
    case wrongScope
    case badPassword
    case unknownUser

    /// The HTTP status for a refused upgrade or request: always 401 (RFC 9110 §15.5.2).
    public var httpStatus: Int { 401 }

    /// A short human text for a close reason or response body: no secrets, no token echo, and
    /// for login the same text for an unknown user as for a bad password.
    public var reason: String {
        switch self {
        case .missingCredential: "authentication required"
        case .malformed: "malformed credential"
        case .badSignature: "invalid credential"
        case .unknownProvider: "unknown SSO provider"
        case .expired: "credential expired"
        case .notYetValid: "credential not yet valid"
        case .replayed: "credential already used"
        case .wrongUser: "credential for another user"
        case .wrongScope: "credential not valid for this channel"
        case .badPassword, .unknownUser: "invalid user name or password"
        }
    }
}
