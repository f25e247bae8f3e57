import Routes
import HTTP1
import WSFraming

/// The upgrade of a route's path: the checks that can refuse it with an HTTP status, in the
/// order a client can act on them, then a `RouteSession` as the application.
///
/// Upstream first (docs/config.md): on a pipe route whose session is admitted at the upgrade
/// (a credential in the request, or no gate), the upstream's handshake completes before the
/// browser's 101, which carries the subprotocol the upstream selected; a refusal is answered
/// 502, an unreachable upstream 503 with `Retry-After`, a slow one 504 (`UpstreamFailure`).
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
        var popup: PopupSIPSession?
        let credential = GateCredential.fromUpgrade(query: head.query, headers: head.headers)
        if let credential {
            var result = context.authenticator.verify(credential, channel: route.channel, address: peerHost)
            // A sip route also takes the click-to-call popup's token (docs/click-to-call.md §3.4).
            if route.mode == .sip, case .failure(.wrongScope) = result, case .session(let token) = credential {
                result = context.authenticator.verifyPopup(token: token, address: peerHost).map { verified, session in
                    popup = session
                    return verified
                }
            }
            switch result {
            case .success(let verified):
                identity = verified
            case .failure(let error):
                refuseCredential(route: route, status: error.httpStatus, reason: error.reason)
                return
            }
        }
        if case .sso(let username, let token, let provider)? = credential, context.agentHub.shared != nil {
            // Accepted by this instance's guard; once across every instance too (docs/cluster.md §6.4).
            let key = AgentHub.ssoClaimKey(username: username, token: token, provider: provider)
            askHub(later: { hub, done in
                hub.claimSingleUse(key, ttlMilliseconds: hub.ssoClaimMilliseconds, channel: route.channel) { done($0) }
            }, then: { [self, identity, popup] first in
                guard first else {
                    loop.metrics.routeEvent(route.channel, "sso_replayed_elsewhere")
                    return refuseCredential(route: route, status: AuthError.replayed.httpStatus, reason: AuthError.replayed.reason)
                }
                admit(head, route: route, upgrade: upgrade, identity: identity, popup: popup)
            })
            return
        }
        admit(head, route: route, upgrade: upgrade, identity: identity, popup: popup)
    }

    /// The upgrade's checks after the credential's: a sip route's identity and link lease, then
    /// the session (upstream first, or the 101 now).
    private func admit(_ head: HTTPRequestHead, route: Route, upgrade: WebSocketUpgrade, identity: Identity?, popup: PopupSIPSession?) {
        if route.mode == .sip {
            // docs/sip-edge.md §2: a SIP client cannot send a first-message credential, and its
            // requests are checked against the user's SIP identity from the directory.
            guard let identity else {
                refuseCredential(route: route, status: 401,
                                 reason: "the \(route.channel) channel needs a Callgate session at the upgrade (access_token, the callgate_session cookie or Authorization)")
                return
            }
            guard context.sipIdentities[identity.user] != nil else {
                loop.metrics.routeEvent(route.channel, "sip_no_identity")
                Log.info("sip_no_identity", ["channel": route.channel, "peer": peerHost, "user": identity.user])
                respond(status: 403, body: "user \(identity.user) has no SIP identity in the directory\n", keepAlive: false)
                return
            }
            if let popup {
                // One live session per link (VodiaLinkLeases): a second popup of the same link waits.
                guard let link = popup.link else {
                    return openSession(head, route: route, upgrade: upgrade, identity: identity, admission: PopupAdmission(session: popup, lease: nil))
                }
                guard let lease = PopupLinkLease(context: context, link: link) else {
                    return refuseLinkInUse(route: route, user: identity.user, elsewhere: false)
                }
                guard context.agentHub.shared != nil else {
                    return openSession(head, route: route, upgrade: upgrade, identity: identity, admission: PopupAdmission(session: popup, lease: lease))
                }
                // Held here; at every instance too (docs/cluster.md §6.4).
                askHub(later: { hub, done in hub.acquireLinkLease(lease, channel: route.channel) { done($0) } },
                       then: { [self] outcome in
                    guard outcome != .heldElsewhere else {
                        lease.release()
                        return refuseLinkInUse(route: route, user: identity.user, elsewhere: true)
                    }
                    openSession(head, route: route, upgrade: upgrade, identity: identity, admission: PopupAdmission(session: popup, lease: lease))
                })
                return
            }
        }
        openSession(head, route: route, upgrade: upgrade, identity: identity, admission: nil)
    }

    /// 409: a session of this popup link is open, here or (`elsewhere`) at another instance.
    private func refuseLinkInUse(route: Route, user: String, elsewhere: Bool) {
        loop.metrics.routeEvent(route.channel, elsewhere ? "makecall_link_in_use_elsewhere" : "makecall_link_in_use")
        Log.info("makecall_link_in_use", ["channel": route.channel, "peer": peerHost, "user": user, "elsewhere": "\(elsewhere)"])
        respond(status: 409, body: "this click-to-call link is in use by another window\n", keepAlive: false)
    }

    /// The session: upstream first, or the 101 now.
    private func openSession(_ head: HTTPRequestHead, route: Route, upgrade: WebSocketUpgrade, identity: Identity?, admission: PopupAdmission?) {
        let upstreamFirst = route.connectsUpstreamFirst(identified: identity != nil)
        let request = SessionRequest(
            path: route.path,
            query: QueryString(head.query ?? "").removing(names: GateCredential.queryParameterNames),
            origin: upgrade.origin,
            subprotocol: upgrade.subprotocol,
            upstreamSubprotocols: upstreamFirst
                ? route.subprotocolsToForward(offered: upgrade.offeredSubprotocols)
                : upgrade.subprotocol.map { [$0] } ?? [],
            address: peerHost,
            cookies: head.headers.values(for: "Cookie"),
            popup: admission)
        let session = RouteSession(route: route, request: request, identity: identity, context: context, loop: loop)
        application = session
        var limits = context.webSocketLimits
        if let bytes = route.limits.messageBytes {
            limits.maxMessageSize = bytes
            limits.maxFramePayload = min(limits.maxFramePayload, bytes)
            limits.maxInflatedSize = min(limits.maxInflatedSize, bytes)
        }
        if upstreamFirst {
            phase = .upgrading
            phaseStarted = loop.now
            session.connectUpstreamFirst(self, upgrade: upgrade, limits: limits)
        } else {
            completeUpgrade(upgrade, limits: limits)
        }
    }

    /// A refused or missing credential at the upgrade: `status` (401) with `WWW-Authenticate`.
    private func refuseCredential(route: Route, status: Int, reason: String) {
        loop.metrics.routeEvent(route.channel, "auth_refused")
        Log.info("auth_refused", ["channel": route.channel, "peer": peerHost, "reason": reason])
        respond(status: status, body: "\(reason)\n", keepAlive: false,
                extraHeaders: [("WWW-Authenticate", "Bearer realm=\"callgate\"")])
    }

    /// Upstream first: the upstream accepted; the browser gets its 101 with `upgrade` (whose
    /// subprotocol is the one the upstream selected) and the WebSocket phase starts.
    func answerUpgrade(_ upgrade: WebSocketUpgrade, limits: WebSocketLimits) {
        guard phase == .upgrading, !isClosed else { return }
        completeUpgrade(upgrade, limits: limits)
        deferFlush()
    }

    /// Upstream first: the upstream failed before the 101; the browser gets the failure's status.
    func refuseUpgrade(_ failure: UpstreamFailure, route: Route) {
        guard phase == .upgrading, !isClosed else { return }
        application = nil
        heldInput = []
        respond(status: failure.httpStatus, body: "\(failure.reason)\n", keepAlive: false,
                extraHeaders: failure.responseHeaders(retryAfterSeconds: route.limits.retryAfterSeconds))
        deferFlush()
    }
}
