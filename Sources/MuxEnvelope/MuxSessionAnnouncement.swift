/// What the back end learns about a browser session in an `open` control message.
public struct MuxSessionAnnouncement: Hashable, Sendable {
    /// The session id, nonzero; every data frame of the session carries it.
    public var session: UInt32
    /// The channel (route) name, e.g. `recording`.
    public var channel: String
    /// The authenticated user; nil when the route does not authenticate.
    public var user: String?
    /// The identity provider that vouched for `user` (e.g. `CRM`); nil when not authenticated.
    public var provider: String?
    /// The client's address (after trusted proxies), without port.
    public var address: String
    /// The request path the browser opened, e.g. `/recording`.
    public var path: String
    /// The request's query string without `?`, credential parameters removed; "" when none.
    public var query: String
    /// The subprotocol negotiated with the browser; nil when none.
    public var subprotocol: String?
    /// The browser's `Origin`; nil when the request had none.
    public var origin: String?
    /// true when a live session is re-announced after its upstream connection was lost and
    /// re-established.
    public var resumed: Bool

    public init(session: UInt32, channel: String, user: String? = nil, provider: String? = nil,
                address: String, path: String, query: String = "", subprotocol: String? = nil,
                origin: String? = nil, resumed: Bool = false) {
        self.session = session
        self.channel = channel
        self.user = user
        self.provider = provider
        self.address = address
        self.path = path
        self.query = query
        self.subprotocol = subprotocol
        self.origin = origin
        self.resumed = resumed
    }
}
