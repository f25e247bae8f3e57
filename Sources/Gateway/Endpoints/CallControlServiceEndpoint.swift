import AuthSchemes
import CallControlMessages
import HTTP1
import WSFraming

/// `callgate switchboard`'s HTTP side (docs/backend-protocol.md §12): the call-control protocol's
/// upgrade, the probes and `/metrics`; nothing else (404). On the protocol's path the secret is
/// checked first (401), before the request is looked at further; then a draining service's 503,
/// the handshake's refusals, and 400 without the protocol's subprotocol. The accepted upgrade
/// makes a `CallControlPeer` (`AcceptedUpgrade.Application.callControl`).
struct CallControlServiceEndpoint: HTTPEndpoint {
    let context: ServerContext
    let request: EndpointRequest
    /// `switchboard.secret`, which a gateway presents as its bearer token.
    let secret: [UInt8]

    func respond() -> EndpointAction {
        let path = head.path
        if path == CallControlProtocol.path { return upgrade() }
        let keepAlive = request.keepAlive
        switch path {
        case "/healthz", "/readyz":
            let draining = context.isDraining
            return .respond(status: draining ? 503 : 200, body: draining ? "draining\n" : "ok\n", keepAlive: keepAlive)
        case "/metrics":
            return .respond(status: 200, body: MetricsExposition.render(context.loopMetrics), keepAlive: keepAlive,
                            contentType: "text/plain; version=0.0.4")
        default:
            return .respond(status: 404, body: "not found: callgate switchboard serves \(CallControlProtocol.path)\n", keepAlive: keepAlive)
        }
    }

    private func upgrade() -> EndpointAction {
        let authorized = head.headers.values(for: "Authorization").contains { value in
            GateCredential.bearerToken(value).map { ConstantTime.equal(Array($0.utf8), secret) } ?? false
        }
        guard authorized else {
            metrics.routeEvent("switchboard", "auth_refused")
            Log.info("switchboard_auth_refused", ["peer": peerHost])
            return .respond(status: 401, body: "a gateway needs Authorization: Bearer <switchboard.secret>\n", keepAlive: false,
                            extraHeaders: [("WWW-Authenticate", "Bearer realm=\"callgate-switchboard\"")])
        }
        if let refusal = drainingRefusal { return refusal }
        let upgrade: WebSocketUpgrade
        do { upgrade = try validateUpgrade(subprotocols: [CallControlProtocol.subprotocol]) } catch { return .refuseHandshake(error) }
        guard upgrade.subprotocol == CallControlProtocol.subprotocol else {
            return .respond(status: 400, body: "offer Sec-WebSocket-Protocol: \(CallControlProtocol.subprotocol)\n", keepAlive: false)
        }
        // Without a name, the address stands for the instance.
        let instance = head.headers[CallControlProtocol.instanceHeader] ?? peerHost
        return accept(upgrade, .callControl(instance: instance, address: peerHost))
    }
}
