import HTTP1

/// One HTTP endpoint (docs/architecture.md §1.5, §3.1), a WebSocket upgrade among them: built
/// for one parsed request by `HTTPRouteTable`, it decides and RETURNS what to do
/// (`EndpointAction`); `Connection` performs it (`Connection+Endpoints.swift`). An endpoint never
/// writes to the socket, so each is tested without one (docs/style.md §2;
/// Tests/GatewayTests/Endpoints).
protocol HTTPEndpoint: Sendable {
    var context: ServerContext { get }
    var request: EndpointRequest { get }
    /// What to do with `request`.
    func respond() -> EndpointAction
}

extension HTTPEndpoint {
    var head: HTTPRequestHead { request.head }
    var peerHost: String { request.peerHost }
    /// The metrics of the loop the request came in on: endpoints and the answers of the agent
    /// hub both run on that loop.
    var metrics: LoopMetrics { request.metrics }
}

/// A parsed request head and what an endpoint may know of the connection it came on.
struct EndpointRequest: Sendable {
    let head: HTTPRequestHead
    /// The client's address as the gateway acts on it (`Connection.peerHost`).
    let peerHost: String
    /// Whether the connection has TLS (`Secure` cookies, Basic credentials).
    let isTLS: Bool
    let metrics: LoopMetrics

    init(head: HTTPRequestHead, peerHost: String, isTLS: Bool, metrics: LoopMetrics) {
        self.head = head
        self.peerHost = peerHost
        self.isTLS = isTLS
        self.metrics = metrics
    }

    /// A request body we do not read would be taken for the next request: answer, then close.
    var keepAlive: Bool { head.keepAlive && head.bodyFraming == .none }

    /// HEAD (RFC 9110 §9.3.2): the head of the GET answer, without its body.
    var headOnly: Bool { head.method == "HEAD" }

    /// A client on 127.0.0.0/8 or ::1.
    var isLoopbackPeer: Bool { peerHost.hasPrefix("127.") || peerHost == "::1" }
}
