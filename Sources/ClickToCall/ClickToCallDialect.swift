import HTTP1

/// The HTTP click-to-call dialects of docs/compatibility.md §3, recognised by path (and, for
/// Mia, by an `action` parameter on `/`). The raw value is the name used in replies, logs and
/// metrics.
///
/// | dialect | requests (GET) | parameters |
/// |---|---|---|
/// | `oktellClient` | `/callto?number=N` | `number` |
/// | `oktellServer` | `/wp_autocallstart?user=U\|wp=W\|line=L&number=N&direction=pbx\|city&sequence=direct\|back` | `user`, `wp`, `line`, `number`, `direction`, `sequence`, `key` |
/// | `mia` | `/?action=make_call&target=N` | `action`, `target`, `key` |
/// | `yealink` | `/servlet?key=number=N`, `/cgi-bin/ConfigManApp.com?number=N`, `/cgiServer.exx?number=N` | `key` (servlet), `number` |
/// | `snom` | `/command.htm?number=N` | `number` |
///
/// Every dialect also accepts `_` (a cache-buster that script libraries append) and ignores it.
public enum ClickToCallDialect: String, CaseIterable, Hashable, Sendable {
    case oktellClient
    case oktellServer
    case mia
    case yealink
    case snom

    /// The paths, exactly (case-sensitive, not percent-decoded), each with its dialect.
    public static let paths: [String: ClickToCallDialect] = [
        "/callto": .oktellClient,
        "/wp_autocallstart": .oktellServer,
        "/servlet": .yealink,
        "/cgi-bin/ConfigManApp.com": .yealink,
        "/cgiServer.exx": .yealink,
        "/command.htm": .snom,
    ]

    /// The dialect a request is in, or nil when it is not a click-to-call request (the gateway
    /// then serves the path as usual: `/` without an `action` parameter is the static index).
    /// `query` is the raw text after `?`.
    public init?(path: String, query: String?) {
        if let dialect = Self.paths[path] {
            self = dialect
            return
        }
        // Mia: `http://192.168.0.16:61234?action=make_call&target=123`; an empty path is `/`
        // (RFC 9112 §3.2.1).
        guard path == "/", let query, QueryString(query).value(named: "action") != nil else { return nil }
        self = .mia
    }

    /// The query parameters the dialect knows; any other is `unknownParameter`.
    public var parameters: Set<String> {
        switch self {
        case .oktellClient: ["number", "_"]
        case .oktellServer: ["user", "wp", "line", "number", "direction", "sequence", "key", "_"]
        case .mia: ["action", "target", "key", "_"]
        case .yealink: ["key", "number", "_"]
        case .snom: ["number", "_"]
        }
    }

    /// The authentication the gateway should accept for the dialect (docs/click-to-call.md):
    /// - server-style Oktell and Mia: an API key (bearer header or `key=`);
    /// - Oktell `/callto`, which the agent's own browser calls: the session cookie, or the
    ///   client address on the workplace map;
    /// - the phone-style Yealink and SNOM URLs, which a browser extension or a CRM sends to
    ///   "the phone": the client address on the workplace map or allow-list, or an API key in
    ///   the `Authorization` header (their query has no room for one; Yealink's `key` is its
    ///   command).
    public var authentication: [ClickToCallAuthentication] {
        switch self {
        case .oktellServer, .mia: [.apiKey]
        case .oktellClient: [.sessionCookie, .clientAddress]
        case .yealink, .snom: [.clientAddress, .apiKey]
        }
    }

    /// Whether the `key` query parameter is an API key (else it is absent or Yealink's command).
    public var takesKeyParameter: Bool { self == .oktellServer || self == .mia }

    /// Whether replies are JSON (`oktellServer`, called by servers) or one line of plain text
    /// (the rest, called by browsers and browser extensions).
    public var repliesInJSON: Bool { self == .oktellServer }
}
