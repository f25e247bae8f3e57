/// One channel of the UCS `api` object (docs/compatibility.md §1.2.1: `ws`, `recording`, `report`, `email`,
/// `template`, or any further name): the public path browsers connect to, and where its
/// sessions go.
public struct Route: Sendable, Equatable {
    /// The channel's name, as in the `api` object.
    public var channel: String
    /// The request path browsers open, e.g. `/recording`. Matched exactly (no query).
    public var path: String
    /// Where the channel's sessions go; nil: not configured, answered with 503.
    public var backend: Backend?
    public var mode: Mode
    /// Whether a session must authenticate before a byte of it reaches the back end.
    public var authentication: Authentication
    /// Subprotocols the channel speaks, in the server's order of preference (RFC 6455 §4.2.2
    /// step 5.5 picks by the client's order among these).
    public var subprotocols: [String]
    /// Origins allowed to open the channel (RFC 6455 §10.2); see `OriginPolicy`.
    public var origins: OriginPolicy
    public var limits: RouteLimits
    /// Mux mode: upstream connections per event loop (sessions are spread over them).
    public var poolSize: Int

    public init(
        channel: String, path: String, backend: Backend? = nil, mode: Mode = .pipe,
        authentication: Authentication = .none, subprotocols: [String] = [],
        origins: OriginPolicy = .sameOrigin, limits: RouteLimits = RouteLimits(), poolSize: Int = 1
    ) {
        self.channel = channel
        self.path = path
        self.backend = backend
        self.mode = mode
        self.authentication = authentication
        self.subprotocols = subprotocols
        self.origins = origins
        self.limits = limits
        self.poolSize = poolSize
    }

    /// Where a channel's sessions are served.
    public enum Backend: Sendable, Equatable, CustomStringConvertible {
        /// An in-process back end, by name (the Switchboard's services, or `echo`).
        case embedded(String)
        /// A WebSocket upstream, `ws://` or `wss://host:port/path`.
        case upstream(String)

        public var description: String {
            switch self {
            case .embedded(let name): "embedded:\(name)"
            case .upstream(let url): url
            }
        }
    }

    /// How browser sessions map onto upstream connections.
    public enum Mode: String, Sendable, Equatable {
        /// One upstream connection per browser connection; frames and close codes relayed as they are.
        case pipe
        /// Many sessions over a small pool of upstream connections, each frame tagged with its
        /// session (docs/backend-protocol.md).
        case mux
        /// A pipe whose browser messages are read as SIP (RFC 7118): the session's identity is
        /// bound to its SIP requests, and the upstream is told who the user is (docs/sip-edge.md).
        case sip
    }

    public enum Authentication: String, Sendable, Equatable {
        /// Anyone may connect; the back end may still authenticate in its own protocol (the
        /// agent protocol's `login` and `sso`).
        case none
        /// A credential at the upgrade, or as the first message within the deadline.
        case required
    }
}

/// Per-route limits; nil fields fall back to the gateway's `limits`.
public struct RouteLimits: Sendable, Equatable {
    /// Largest message a browser may send on this channel (RFC 6455 close 1009 beyond it).
    public var messageBytes: Int?
    /// Bytes queued towards one browser session before it is closed (mux, code 4008) or its
    /// upstream stops being read (pipe). Default: the gateway's `limits.outboundQueueBytes`.
    public var sessionQueueBytes: Int?
    /// Time for the upstream's TCP connect, TLS and opening handshake; when the upstream is
    /// connected first, the browser's upgrade is answered 504 past it. Default 5 s.
    public var connectTimeoutMilliseconds: Int
    /// Time a session has to present its credential as a first message. Default 10 s.
    public var authTimeoutMilliseconds: Int
    /// The `Retry-After` of the 503 a browser gets when the upstream cannot be reached before
    /// its 101 (RFC 9110 §10.2.3). Default 5 s.
    public var retryAfterSeconds: Int

    public init(messageBytes: Int? = nil, sessionQueueBytes: Int? = nil,
                connectTimeoutMilliseconds: Int = 5_000, authTimeoutMilliseconds: Int = 10_000,
                retryAfterSeconds: Int = 5) {
        self.messageBytes = messageBytes
        self.sessionQueueBytes = sessionQueueBytes
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.authTimeoutMilliseconds = authTimeoutMilliseconds
        self.retryAfterSeconds = retryAfterSeconds
    }
}
