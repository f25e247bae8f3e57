import AuthSchemes

/// The `code` of a `loginError` event (docs/compatibility.md §1.3 `onLoginError(code: int, message: str)`). The
/// guide defines no codes; Callgate's are below. Wrapped, not an enum, so a back end's code
/// outside the table still passes through (clients treat unknown codes like 1).
///
/// | code | constant | meaning | the bar should |
/// |---|---|---|---|
/// | 1 | `invalidCredentials` | `login`: unknown user or wrong password (one code for both) | ask again |
/// | 2 | `invalidSSOToken` | `sso`: token malformed, wrong signature, unknown provider, for another user, already used, expired or not yet valid | get a new token from the CRM |
/// | 3 | `loggedInElsewhere` | the same user logged in on another computer and this session was logged out (docs/compatibility.md §1.2 `autologout`), or the back end refuses a second login | tell the agent; not retry automatically |
/// | 4 | `notAllowed` | the account is disabled or has no agent role | tell the agent |
/// | 5 | `tooManyAttempts` | too many failed logins from this user or address | wait, then ask again |
/// | 6 | `serviceUnavailable` | the back end cannot be reached | retry later |
/// | 7 | `invalidSessionToken` | `attach`: the session token is malformed, expired or for another channel | log in again |
public struct LoginErrorCode: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int

    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    public static let invalidCredentials = LoginErrorCode(rawValue: 1)
    public static let invalidSSOToken = LoginErrorCode(rawValue: 2)
    public static let loggedInElsewhere = LoginErrorCode(rawValue: 3)
    public static let notAllowed = LoginErrorCode(rawValue: 4)
    public static let tooManyAttempts = LoginErrorCode(rawValue: 5)
    public static let serviceUnavailable = LoginErrorCode(rawValue: 6)
    public static let invalidSessionToken = LoginErrorCode(rawValue: 7)

    /// The code for a credential refused by an auth scheme (`AuthError`) while serving `method`:
    /// `attach` → 7; `sso` → 2; otherwise (`login`) → 1. The distinction between an unknown user
    /// and a wrong password is never revealed.
    public init(_ error: AuthError, method: AgentMethod) {
        switch method {
        case .attach: self = .invalidSessionToken
        case .sso: self = .invalidSSOToken
        default: self = .invalidCredentials
        }
    }

    /// The English `message` sent with the code.
    public var defaultMessage: String {
        switch self {
        case .invalidCredentials: "invalid user name or password"
        case .invalidSSOToken: "invalid or expired SSO token"
        case .loggedInElsewhere: "logged in elsewhere"
        case .notAllowed: "account not allowed to use the agent bar"
        case .tooManyAttempts: "too many login attempts; try again later"
        case .serviceUnavailable: "service unavailable; try again later"
        case .invalidSessionToken: "session expired; log in again"
        default: "login failed"
        }
    }
}
