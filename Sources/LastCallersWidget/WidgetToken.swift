import AuthSchemes

/// The last-callers widget's token (docs/compatibility.md §5.3's "Tokengenerator"): a `SessionTokenSigner` token
/// with scope `lastcaller`, so there is one signed format in Callgate, not two. The token page
/// (`/lastcaller/tokengen/`) issues it to a logged-in user; the widget URL carries it as
/// `token=`; the gateway verifies it on every widget request.
///
/// Lifetimes: the token is pasted into a desktop client's configuration, so it lives long
/// (default 90 days, at most `maxLifetimeSeconds`). To revoke them all without logging agents
/// out, sign widget tokens with their own key (a second `SessionTokenSigner`), not the session
/// key. `claims.user` is who made the token (for the log); `provider` is `tokengen`.
public enum WidgetToken {
    /// The scope of last-callers widget tokens.
    public static let scope = "lastcaller"
    public static let provider = "tokengen"
    public static let defaultLifetimeSeconds: Int64 = 90 * 86_400
    public static let maxLifetimeSeconds: Int64 = 366 * 86_400

    /// A token for `user`, valid from `now` for `lifetimeSeconds` (clamped to 1…`maxLifetimeSeconds`).
    public static func issue(signer: SessionTokenSigner, user: String, now: Int64,
                             lifetimeSeconds: Int64 = defaultLifetimeSeconds) -> String {
        let lifetime = min(max(lifetimeSeconds, 1), maxLifetimeSeconds)
        return signer.issue(SessionClaims(user: user, provider: provider, scope: scope, issued: now, expires: now + lifetime))
    }

    /// The claims of a valid widget token at `now`; a session token of another scope is
    /// `wrongScope`.
    public static func verify(signer: SessionTokenSigner, token: String, now: Int64) -> Result<SessionClaims, AuthError> {
        signer.verify(token, scope: scope, now: now)
    }
}
