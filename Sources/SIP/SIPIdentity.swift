/// The SIP address of record a user may act as (the directory's `sip` field, docs/directory.md),
/// compared as RFC 3261 §19.1.4 compares SIP URIs for what identifies a user: the user part
/// unescaped and case-sensitive, the host case-insensitive. The scheme (sip or sips), port and
/// parameters do not change who it is.
public struct SIPIdentity: Hashable, Sendable, CustomStringConvertible {
    public let uri: SIPURI
    /// The user part, unescaped.
    public let user: String
    /// The host, lowercased.
    public let host: String

    /// `text` must be a SIP or SIPS URI with a user part, e.g. `sip:alice@example.com`.
    public init(parsing text: String) throws(SIPSyntaxError) {
        let uri = try SIPURI(parsing: text)
        guard uri.isSIP, let user = uri.unescapedUser, let host = uri.host else {
            throw SIPSyntaxError(detail: "\(text) is not a sip: URI with a user part")
        }
        self.uri = uri
        self.user = user
        self.host = host.lowercased()
    }

    public var description: String { uri.text }

    /// Two identities are one when they name one user at one host (`sip:a@X.TEST` is `sips:a@x.test`).
    public static func == (left: SIPIdentity, right: SIPIdentity) -> Bool {
        left.user == right.user && left.host == right.host
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(user)
        hasher.combine(host)
    }

    /// Whether `other` names this user at this host.
    public func isAddress(_ other: SIPURI) -> Bool {
        other.isSIP && other.unescapedUser == user && other.host?.lowercased() == host
    }

    /// Whether `other` has this user part (a Contact's host is the device's, often a random
    /// `.invalid` name, RFC 7118 §5.2).
    public func isUser(_ other: SIPURI) -> Bool {
        other.isSIP && other.unescapedUser == user
    }
}
