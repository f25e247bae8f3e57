import Routes
import WSFraming

/// The upgrade of a route's path: the checks that can refuse it with an HTTP status, in the
/// order a client can act on them, then a `RouteSession` as the application.
extension Connection {
    func upgrade(_ head: HTTPRequestHead, route: Route) {
        guard !refuseWhileDraining() else { return }
        // A channel without a back end: 503, naming the channel.
        guard route.backend != nil else {
            loop.metrics.routeEvent(route.channel, "no_backend")
            respond(status: 503, body: "channel \(route.channel) has no back end configured\n", keepAlive: false)
            return
        }
        guard let upgrade = validateUpgrade(head, subprotocols: route.subprotocols) else { return }
        // RFC 6455 §10.2: refuse cross-site WebSocket hijacking with 403.
        guard route.origins.allows(origin: upgrade.origin, host: head.headers["Host"]) else {
            loop.metrics.routeEvent(route.channel, "origin_refused")
            Log.info("origin_refused", ["channel": route.channel, "peer": peerHost, "origin": upgrade.origin ?? ""])
            respond(status: 403, body: "origin not allowed on channel \(route.channel)\n", keepAlive: false)
            return
        }
        // A credential at the upgrade is checked now: a bad one is refused before the 101.
        var identity: Identity?
        if let credential = GateCredential.fromUpgrade(query: head.query, headers: head.headers) {
            switch context.authenticator.verify(credential, channel: route.channel, address: peerHost) {
            case .success(let verified):
                identity = verified
            case .failure(let error):
                loop.metrics.routeEvent(route.channel, "auth_refused")
                Log.info("auth_refused", ["channel": route.channel, "peer": peerHost, "reason": error.reason])
                respond(status: error.httpStatus, body: "\(error.reason)\n", keepAlive: false,
                        extraHeaders: [("WWW-Authenticate", "Bearer realm=\"callgate\"")])
                return
            }
        }
        let request = SessionRequest(
            path: route.path,
            query: QueryString(head.query ?? "").removing(names: GateCredential.queryParameterNames),
            origin: upgrade.origin,
            subprotocol: upgrade.subprotocol,
            address: peerHost,
            cookies: head.headers.values(for: "Cookie"))
        application = RouteSession(route: route, request: request, identity: identity, context: context)
        var limits = context.webSocketLimits
        if let bytes = route.limits.messageBytes {
            limits.maxMessageSize = bytes
            limits.maxFramePayload = min(limits.maxFramePayload, bytes)
            limits.maxInflatedSize = min(limits.maxInflatedSize, bytes)
        }
        completeUpgrade(upgrade, limits: limits)
    }
}
