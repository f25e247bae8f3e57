import AuthSchemes

/// The session the click-to-call popup's web phone opens on a `sip` route (docs/click-to-call.md
/// §3.4): a session token for the popup's user that may call **one number** over SIP and open
/// nothing else. `GET /makecall/session` issues it, for a verified link (`link` set) or for a
/// user already signed in (`link` nil).
///
/// In the token (`SessionTokenSigner`):
///
///     scope    = "makecall-sip"
///     provider = "makecall:" number [ "#" link ]   e.g. "makecall:2001#9c1f…" (32 hex digits)
///     expires  = the link's time + duration, or the signed-in session's end (at most
///                `clickToCall.linkMaxDurationSeconds` from now)
///
/// Its own scope keeps every reader that does not know the restriction from accepting it: the
/// channels want `channels` or their own name, the agent hub's `attach` wants `makecall`
/// (`VodiaSession`), so the token opens no agent session and no side channel. Only a `sip`
/// route reads it, and then holds the session to `SIPCallRestriction` and, for a link, to one
/// live session per link (`VodiaLinkLeases`).
public struct PopupSIPSession: Hashable, Sendable {
    /// The session token scope of popup SIP sessions.
    public static let scope = "makecall-sip"

    /// The only number the session may call, classified (`DialNumber.text`).
    public let number: String
    /// The link's key (`linkKey(_:)`), or nil for a session of a signed-in user.
    public let link: String?

    public init(number: DialNumber, link: String?) {
        self.number = number.text
        self.link = link
    }

    /// The session of a token's claims; nil unless the scope is `makecall-sip` and the provider
    /// `makecall:`, a number, and optionally `#` and a link key of 32 hex digits.
    public init?(claims: SessionClaims) {
        guard claims.scope == Self.scope, claims.provider.hasPrefix(VodiaSession.providerPrefix) else { return nil }
        let rest = claims.provider.dropFirst(VodiaSession.providerPrefix.count)
        let parts = rest.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        guard let number = parts.first, !number.isEmpty else { return nil }
        if parts.count == 2 {
            guard parts[1].utf8.count == 2 * MD5.digestLength, MD5.bytes(hex: String(parts[1])) != nil else { return nil }
            link = String(parts[1])
        } else {
            link = nil
        }
        self.number = String(number)
    }

    /// The claims of this session's token for `user`.
    public func claims(user: String, issued: Int64, expires: Int64) -> SessionClaims {
        SessionClaims(user: user, provider: VodiaSession.providerPrefix + number + (link.map { "#" + $0 } ?? ""),
                      scope: Self.scope, issued: issued, expires: expires)
    }

    /// A link's key: MD5 over a label and the link's own MD5 (`pass`), in hex. It names the link
    /// in tokens and logs without being its `pass` (which, with the link's other values, would
    /// let anyone who reads a token mint tokens of their own).
    public static func linkKey(_ link: VerifiedVodiaLink) -> String {
        MD5.hex(MD5.digest(Array("callgate-makecall-link:".utf8) + link.digest))
    }
}
