/// A header field name, case-insensitive (RFC 3261 §7.3.1), with its compact form expanded
/// (§7.3.3 and the registrations that followed), so that `v`, `VIA` and `Via` are one name.
/// Stored lowercased in the long form.
public struct SIPHeaderName: Hashable, Sendable, CustomStringConvertible {
    public let lowercased: String

    /// `name` as written (a token); compact forms become their long form.
    public init(_ name: String) {
        let lowered = name.lowercased()
        lowercased = Self.compactForms[lowered] ?? lowered
    }

    public var description: String { Self.spellings[lowercased] ?? lowercased }

    public static let via = SIPHeaderName("Via")
    public static let from = SIPHeaderName("From")
    public static let to = SIPHeaderName("To")
    public static let callID = SIPHeaderName("Call-ID")
    public static let cseq = SIPHeaderName("CSeq")
    public static let contact = SIPHeaderName("Contact")
    public static let maxForwards = SIPHeaderName("Max-Forwards")
    public static let contentLength = SIPHeaderName("Content-Length")
    public static let contentType = SIPHeaderName("Content-Type")
    public static let route = SIPHeaderName("Route")
    public static let recordRoute = SIPHeaderName("Record-Route")
    public static let expires = SIPHeaderName("Expires")
    public static let reason = SIPHeaderName("Reason")
    public static let warning = SIPHeaderName("Warning")

    /// §7.3.3 (i m e l c f s k t v) and later compact forms: RFC 6665 (o u), RFC 3515 (r),
    /// RFC 3892 (b), RFC 4028 (x), RFC 8224 (y), RFC 3841 (a j d), RFC 4474 (n).
    static let compactForms: [String: String] = [
        "i": "call-id", "m": "contact", "e": "content-encoding", "l": "content-length", "c": "content-type",
        "f": "from", "s": "subject", "k": "supported", "t": "to", "v": "via", "o": "event", "u": "allow-events",
        "r": "refer-to", "b": "referred-by", "x": "session-expires", "y": "identity", "a": "accept-contact",
        "j": "reject-contact", "d": "request-disposition", "n": "identity-info",
    ]

    /// How RFC 3261 spells the names Callgate writes.
    static let spellings: [String: String] = [
        "via": "Via", "from": "From", "to": "To", "call-id": "Call-ID", "cseq": "CSeq", "contact": "Contact",
        "max-forwards": "Max-Forwards", "content-length": "Content-Length", "content-type": "Content-Type",
        "route": "Route", "record-route": "Record-Route", "expires": "Expires", "reason": "Reason", "warning": "Warning",
    ]

    /// Fields whose value is a comma-separated list (§7.3.1), split by `SIPMessage.values(_:)`.
    /// Others (Date, WWW-Authenticate, extension fields) are returned whole.
    public var isList: Bool { Self.listNames.contains(lowercased) }

    static let listNames: Set<String> = [
        "via", "contact", "route", "record-route", "path", "service-route", "allow", "supported", "require",
        "proxy-require", "unsupported", "accept", "accept-encoding", "accept-language", "content-encoding",
        "content-language", "allow-events", "p-asserted-identity", "p-preferred-identity", "reason", "warning",
    ]
}
