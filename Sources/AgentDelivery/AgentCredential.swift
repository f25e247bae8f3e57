import ClickToCall
import AuthSchemes

/// A credential the engine has the hub verify (the gateway holds the secrets and the SSO replay
/// guard): an `sso` request's token, or an `attach` request's session token.
public enum AgentCredential: Hashable, Sendable {
    /// docs/compatibility.md §1.10 SSO: accepted once, for `username`.
    case sso(username: String, token: String, provider: String)
    /// A session token of scope `channels` or `ws`, or of scope `makecall` (a Vodia popup's,
    /// docs/click-to-call.md §3), which restricts the tab (`VodiaSession`).
    case sessionToken(String)
}

/// A verified credential: who, until when, and the restriction a popup token carries.
public struct VerifiedCredential: Equatable, Sendable {
    public var identity: Identity
    public var restriction: VodiaSession?

    public init(identity: Identity, restriction: VodiaSession? = nil) {
        self.identity = identity
        self.restriction = restriction
    }
}
