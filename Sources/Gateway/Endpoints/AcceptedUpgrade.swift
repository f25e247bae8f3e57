import Routes
import AuthSchemes
import HTTP1
import WSFraming

/// A WebSocket upgrade an endpoint accepted (`EndpointAction.upgrade`): the validated handshake
/// (RFC 6455 §4.2.1), the permessage-deflate agreed from its offers (RFC 7692 §5), the limits of
/// the WebSocket phase, and which application takes the connection. `Connection` performs it:
/// it queues `response()`, the 101 of §4.2.2, builds the codecs and starts the WebSocket phase;
/// or, upstream first, waits for the route's upstream before the 101 (docs/config.md).
struct AcceptedUpgrade: Sendable {
    /// Who takes the connection after its 101.
    enum Application: Sendable {
        /// An echo path: every message back (`EchoApplication`).
        case echo
        /// A route's session (`RouteSession`): the gate, then the relay to its back end.
        case route(Route, SessionRequest, identity: Identity?)
        /// `callgate switchboard`: one gateway instance (`CallControlPeer`).
        case callControl(instance: String, address: String)
    }

    /// The client's handshake. Upstream first, its subprotocol is replaced by the upstream's
    /// choice before the 101 (§4.2.2 step 5.5).
    var handshake: WebSocketUpgrade
    var application: Application
    /// The WebSocket phase's limits; nil for the gateway's (`limits` in docs/config.md).
    var limits: WebSocketLimits?
    /// RFC 7692: the agreed parameters and the `Sec-WebSocket-Extensions` reply; nil for none.
    var deflate: (parameters: PerMessageDeflateParameters, response: String, options: PerMessageDeflateOptions)?
    /// The 101 waits until the route's upstream accepted (`RouteSession.connectUpstreamFirst`).
    var upstreamFirst: Bool

    /// Negotiates permessage-deflate from the client's offers when the gateway offers it
    /// (`permessageDeflate`, docs/config.md).
    init(handshake: WebSocketUpgrade, application: Application, limits: WebSocketLimits? = nil,
         deflateOptions: PerMessageDeflateOptions?, upstreamFirst: Bool = false) {
        self.handshake = handshake
        self.application = application
        self.limits = limits
        self.upstreamFirst = upstreamFirst
        if let options = deflateOptions, !handshake.extensionOffers.isEmpty,
           let agreed = PerMessageDeflateNegotiation.accept(offers: handshake.extensionOffers, options: options) {
            deflate = (agreed.parameters, agreed.response, options)
        }
    }

    /// The 101 Switching Protocols (RFC 6455 §4.2.2 step 5).
    func response() -> [UInt8] {
        ServerHandshake.response(for: handshake, extensions: deflate?.response)
    }

    /// The application, made on the loop that owns the connection.
    func makeApplication(context: ServerContext, loop: EventLoop) -> WebSocketApplication {
        switch application {
        case .echo:
            return EchoApplication.shared
        case .route(let route, let request, let identity):
            return RouteSession(route: route, request: request, identity: identity, context: context, loop: loop)
        case .callControl(let instance, let address):
            // The endpoint is chosen only when the service runs (`HTTPRouteTable`).
            return CallControlPeer(service: context.callControlService!, instance: instance, address: address)
        }
    }

    /// Upstream first: the answer to the browser when its upstream failed before the 101 (502,
    /// 503 with `Retry-After`, 504: `UpstreamFailure`).
    static func refusal(_ failure: UpstreamFailure, route: Route) -> HTTPAnswer {
        HTTPAnswer(status: failure.httpStatus, text: "\(failure.reason)\n", keepAlive: false,
                   extraHeaders: failure.responseHeaders(retryAfterSeconds: route.limits.retryAfterSeconds))
    }
}
