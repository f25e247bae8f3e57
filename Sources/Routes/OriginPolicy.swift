/// Which browser origins may open a channel: the defence against cross-site WebSocket
/// hijacking (RFC 6455 §10.2: "servers that are not intended to process input from any web
/// page but only for certain sites SHOULD verify the |Origin| field"). A refused origin gets 403.
///
/// A request without `Origin` is not from a browser (browsers always send it, RFC 6455 §4.1
/// item 8 and RFC 6454 §7) and is let through: it cannot carry a victim's cookies cross-site.
public enum OriginPolicy: Sendable, Equatable {
    /// The origin's host and port must be the request's `Host` (the gateway's own pages).
    case sameOrigin
    /// Any origin (a public channel that authenticates by token, not cookie).
    case any
    /// Exactly these serialized origins (`https://crm.example.com`, `http://localhost:3000`),
    /// compared case-insensitively; `sameOrigin` additionally when `includingSameOrigin`.
    case list([String], includingSameOrigin: Bool)

    /// Whether a request with `origin` (nil: absent) and `host` (the Host field) is allowed.
    public func allows(origin: String?, host: String?) -> Bool {
        guard let origin else { return true }
        switch self {
        case .any:
            return true
        case .sameOrigin:
            return Self.isSameOrigin(origin, host: host)
        case .list(let allowed, let includingSameOrigin):
            let lowered = origin.lowercased()
            if allowed.contains(where: { $0.lowercased() == lowered }) { return true }
            return includingSameOrigin && Self.isSameOrigin(origin, host: host)
        }
    }

    /// RFC 6454 §6.2 serialization `scheme "://" host [ ":" port ]` against the Host field,
    /// which carries the port only when it is not the scheme's default (RFC 9110 §7.2).
    static func isSameOrigin(_ origin: String, host: String?) -> Bool {
        guard let host, !host.isEmpty else { return false }
        let lowered = origin.lowercased()
        let authority: Substring
        let defaultPort: String
        if lowered.hasPrefix("https://") {
            authority = lowered.dropFirst(8)
            defaultPort = "443"
        } else if lowered.hasPrefix("http://") {
            authority = lowered.dropFirst(7)
            defaultPort = "80"
        } else {
            return false // "null" and non-HTTP origins are never same-origin
        }
        return normalized(authority, defaultPort: defaultPort) == normalized(Substring(host.lowercased()), defaultPort: defaultPort)
    }

    /// `host:port` with the default port made explicit, so `a.com` equals `a.com:443`.
    private static func normalized(_ authority: Substring, defaultPort: String) -> String {
        if authority.hasSuffix("]") || !authority.contains(":") { return "\(authority):\(defaultPort)" }
        return String(authority)
    }
}
