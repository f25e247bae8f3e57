import HTTP1
import WSFraming

/// The checks every WebSocket upgrade makes (`EchoEndpoint`, `RouteUpgradeEndpoint`,
/// `CallControlServiceEndpoint`), each a decision returned, not written: a draining gateway's 503,
/// the RFC 6455 §4.2.1 handshake (its refusals are `HandshakeError`'s, with their statuses), and
/// the accepted upgrade with permessage-deflate negotiated.
extension HTTPEndpoint {
    /// 503 with `Retry-After` while the gateway drains (docs/deploy.md §5); nil otherwise.
    var drainingRefusal: EndpointAction? {
        guard context.isDraining else { return nil }
        return .answer(.shuttingDown)
    }

    /// RFC 6455 §4.2.1: the client's handshake, choosing the first of `subprotocols` it offers; a
    /// failure is logged and thrown, for the endpoint to return as `.refuseHandshake` (400, 405, 426).
    func validateUpgrade(subprotocols: [String]) throws(HandshakeError) -> WebSocketUpgrade {
        switch ServerHandshake.validate(head, subprotocols: subprotocols) {
        case .success(let upgrade):
            return upgrade
        case .failure(let error):
            Log.info("handshake_rejected", ["peer": peerHost, "status": "\(error.status)", "reason": error.reason])
            throw error
        }
    }

    /// The upgrade accepted for `application` (RFC 7692 negotiated as the gateway offers it).
    func accept(_ handshake: WebSocketUpgrade, _ application: AcceptedUpgrade.Application,
                limits: WebSocketLimits? = nil, upstreamFirst: Bool = false) -> EndpointAction {
        .upgrade(AcceptedUpgrade(handshake: handshake, application: application, limits: limits,
                                 deflateOptions: context.config.permessageDeflate, upstreamFirst: upstreamFirst))
    }
}
