import TLSBridge

/// `callControl` (docs/config.md): which call-control back end the agent hub asks. The embedded
/// Switchboard by default; with `url`, a back end reached over the call-control protocol
/// (docs/backend-protocol.md §12): the Switchboard as its own process (`callgate switchboard`)
/// or a vendor's adapter.
struct CallControlSettings: Sendable {
    enum Backend: String, Sendable {
        case embedded
        case remote
    }

    var backend = Backend.embedded
    /// `ws://HOST:PORT/callcontrol` or `wss://…` (verified against the system's CAs).
    var url: String?
    /// How a `wss://` back end's certificate is checked (a route's `tls` keys); default: fully,
    /// against the system's CAs.
    var tls = TLSClientConfiguration()
    /// Sent as `Authorization: Bearer <secret>`; the service's `switchboard.secret`. At least 16 bytes.
    var secret: [UInt8]?
    /// A request not answered within this is answered `upstreamTimeout` (docs/agent-protocol.md §3).
    var requestTimeoutMilliseconds = 5_000
    /// Connect and upgrade together.
    var connectTimeoutMilliseconds = 2_000
    /// The reconnect backoff (full jitter, `Backoff`).
    var reconnectBaseMilliseconds = 100
    var reconnectCapMilliseconds = 5_000
    /// Requests waiting for their answers at once; more are answered `upstreamUnavailable`.
    var maxPendingRequests = 10_000

    mutating func apply(_ section: inout ConfigReader) throws(GatewayConfig.Error) {
        if let text: String = try section.take("url") { url = text }
        // A URL alone means the remote back end; `backend` says so explicitly.
        backend = url == nil ? .embedded : .remote
        if let text: String = try section.take("backend") {
            guard let value = Backend(rawValue: text) else {
                throw GatewayConfig.Error(key: "callControl.backend", problem: "must be \"embedded\" or \"remote\"")
            }
            backend = value
        }
        if let text: String = try section.take("secret") { secret = Array(text.utf8) }
        if let path: String = try section.take("secretFile") { secret = try SecretFile.read(path, key: "callControl.secretFile") }
        if var tlsSection = try section.section("tls") {
            tls = try GatewayConfig.upstreamTLSConfiguration(&tlsSection)
            try tlsSection.finish()
        }
        if let v: Int = try section.take("requestTimeoutMilliseconds", range: 100...600_000) { requestTimeoutMilliseconds = v }
        if let v: Int = try section.take("connectTimeoutMilliseconds", range: 100...60_000) { connectTimeoutMilliseconds = v }
        if let v: Int = try section.take("reconnectBaseMilliseconds", range: 1...60_000) { reconnectBaseMilliseconds = v }
        if let v: Int = try section.take("reconnectCapMilliseconds", range: 1...600_000) { reconnectCapMilliseconds = v }
        if let v: Int = try section.take("maxPendingRequests", range: 1...1_000_000) { maxPendingRequests = v }
    }

    func validate() throws(GatewayConfig.Error) {
        guard backend == .remote else { return }
        guard let url else { throw GatewayConfig.Error(key: "callControl.url", problem: "the remote back end needs a ws:// or wss:// URL") }
        do {
            _ = try WebSocketURL(parsing: url)
        } catch {
            throw GatewayConfig.Error(key: "callControl.url", problem: "\(error)")
        }
        guard let secret, secret.count >= 16, secret.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw GatewayConfig.Error(key: "callControl.secret",
                                      problem: "the remote back end needs a secret of at least 16 printable ASCII characters (it travels in a header)")
        }
        guard reconnectCapMilliseconds >= reconnectBaseMilliseconds else {
            throw GatewayConfig.Error(key: "callControl.reconnectCapMilliseconds", problem: "must not be below reconnectBaseMilliseconds")
        }
    }
}

/// `switchboard` (docs/config.md): the Switchboard as its own process (`callgate switchboard`),
/// serving the call-control protocol to gateway instances.
struct SwitchboardServiceSettings: Sendable {
    /// Set by `callgate switchboard`: this process is the service, not a gateway.
    var serving = false
    /// What gateways must send as `Authorization: Bearer <secret>`. Required; at least 16 bytes.
    var secret: [UInt8]?
    /// Events kept per user for gateways that connect again (`resync`): about 1–2 KB each for
    /// call events, so 100 per user is 100–200 KB per user at most.
    var eventsKept = 100
    /// The same bound in bytes of encoded events per user, whichever is reached first.
    var eventsKeptBytes = 131_072
    /// How long a gateway instance may stay disconnected and keep the users it signed in
    /// (docs/backend-protocol.md §12.8); past it, users no other instance has are signed out.
    var instanceGraceMilliseconds = 60_000

    mutating func apply(_ section: inout ConfigReader) throws(GatewayConfig.Error) {
        if let text: String = try section.take("secret") { secret = Array(text.utf8) }
        if let path: String = try section.take("secretFile") { secret = try SecretFile.read(path, key: "switchboard.secretFile") }
        if let v: Int = try section.take("eventsKept", range: 1...1_000_000) { eventsKept = v }
        if let v: Int = try section.take("eventsKeptBytes", range: 1_024...1_073_741_824) { eventsKeptBytes = v }
        if let v: Int = try section.take("instanceGraceMilliseconds", range: 0...86_400_000) { instanceGraceMilliseconds = v }
    }

    func validate() throws(GatewayConfig.Error) {
        guard serving else { return }
        guard let secret, secret.count >= 16, secret.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw GatewayConfig.Error(key: "switchboard.secret",
                                      problem: "callgate switchboard needs a secret of at least 16 printable ASCII characters")
        }
    }
}
