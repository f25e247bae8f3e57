/// Who an authenticated session is. Built by the gateway from a verified credential and the
/// client's address (the peer, or the PROXY / X-Forwarded-For address from a trusted proxy).
public struct Identity: Sendable, Equatable {
    /// The agent's user name, as the back end knows it.
    public var user: String
    /// How the session authenticated: an SSO provider name (docs/compatibility.md §1.4 `sso`), `password`,
    /// `session` (a `SessionTokenSigner` token), … nil when not known.
    public var provider: String?
    /// The client's IP address as text, e.g. `192.0.2.7` or `2001:db8::1`.
    public var address: String
    /// When the credential stops being valid (Unix seconds): a session token's expiry; nil for
    /// credentials that are checked once (an SSO token, a password).
    public var expires: Int64?

    public init(user: String, provider: String?, address: String, expires: Int64? = nil) {
        self.user = user
        self.provider = provider
        self.address = address
        self.expires = expires
    }
}
