import AuthSchemes

/// What a tab brings when it opens: what `autologout`, pairing and `attach` need.
public struct TabOrigin: Equatable, Sendable {
    /// The client's address: `autologout` keeps the tabs of one address (one browser).
    public var address: String
    /// Candidate phone identifiers, most specific first (the URL parameter `identifier`, the
    /// cookie `callgate_identifier`, the client address: docs/compatibility.md §1.2 identifyURL, identifyCookie,
    /// identifyIP), for `signIn`.
    public var identifiers: [String]
    /// The credential the upgrade request carried, for an `attach` without a token.
    public var upgradeIdentity: Identity?

    public init(address: String, identifiers: [String], upgradeIdentity: Identity? = nil) {
        self.address = address
        self.identifiers = identifiers
        self.upgradeIdentity = upgradeIdentity
    }
}
