import Routes
import ClickToCall
import AuthSchemes
import HTTP1
import WSFraming

/// The upgrade of a route's path (docs/config.md `routes`): the checks that can refuse it with an
/// HTTP status, in the order a client can act on them, then a `RouteSession` as the application
/// (`AcceptedUpgrade.Application.route`). Every route takes this path: the embedded agent hub's
/// `/ws`, pipes, mux channels and `sip` routes.
///
/// 503 while draining or for a channel without a back end; the handshake's own refusals (400,
/// 405, 426); 403 for an origin the route does not allow (RFC 6455 §10.2); 401 with
/// `WWW-Authenticate` for a bad credential at the upgrade (and for an SSO token another instance
/// took first, docs/cluster.md §6.4); on a `sip` route 401 without a credential, 403 for a user
/// without a SIP identity, 409 for a click-to-call link another window holds (here, or at another
/// instance: the lease in Redis, `AgentHub+LinkLeases.swift`).
///
/// Upstream first (docs/config.md): on a pipe route whose session is admitted at the upgrade
/// (a credential in the request, or no gate), the upstream's handshake completes before the
/// browser's 101, which carries the subprotocol the upstream selected; a refusal is answered
/// 502, an unreachable upstream 503 with `Retry-After`, a slow one 504 (`UpstreamFailure`,
/// `AcceptedUpgrade.refusal`).
struct RouteUpgradeEndpoint: HTTPEndpoint {
    let context: ServerContext
    let request: EndpointRequest
    let route: Route

    func respond() -> EndpointAction {
        if let refusal = drainingRefusal { return refusal }
        // A channel without a back end: 503, naming the channel.
        guard route.backend != nil else {
            metrics.routeEvent(route.channel, "no_backend")
            return .respond(status: 503, body: "channel \(route.channel) has no back end configured\n", keepAlive: false)
        }
        let upgrade: WebSocketUpgrade
        do { upgrade = try validateUpgrade(subprotocols: route.subprotocols) } catch { return .refuseHandshake(error) }
        // RFC 6455 §10.2: refuse cross-site WebSocket hijacking with 403.
        guard route.origins.allows(origin: upgrade.origin, host: head.headers["Host"]) else {
            metrics.routeEvent(route.channel, "origin_refused")
            Log.info("origin_refused", ["channel": route.channel, "peer": peerHost, "origin": upgrade.origin ?? ""])
            return .respond(status: 403, body: "origin not allowed on channel \(route.channel)\n", keepAlive: false)
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
            case .success(let verified): identity = verified
            case .failure(let error): return refuseCredential(status: error.httpStatus, reason: error.reason)
            }
        }
        if case .sso(let username, let token, let provider)? = credential, context.agentHub.shared != nil {
            // Accepted by this instance's guard; once across every instance too (docs/cluster.md §6.4).
            let key = AgentHub.ssoClaimKey(username: username, token: token, provider: provider)
            let channel = route.channel
            return .askHub(later: { hub, done in
                hub.claimSingleUse(key, ttlMilliseconds: hub.ssoClaimMilliseconds, channel: channel) { done($0) }
            }, answer: { [self, identity, popup] first in
                guard first else {
                    metrics.routeEvent(route.channel, "sso_replayed_elsewhere")
                    return refuseCredential(status: AuthError.replayed.httpStatus, reason: AuthError.replayed.reason)
                }
                return admit(upgrade, identity: identity, popup: popup)
            })
        }
        return admit(upgrade, identity: identity, popup: popup)
    }

    /// The upgrade's checks after the credential's: a sip route's identity and link lease, then
    /// the session (upstream first, or the 101 now).
    private func admit(_ upgrade: WebSocketUpgrade, identity: Identity?, popup: PopupSIPSession?) -> EndpointAction {
        if route.mode == .sip {
            // docs/sip-edge.md §2: a SIP client cannot send a first-message credential, and its
            // requests are checked against the user's SIP identity from the directory.
            guard let identity else {
                return refuseCredential(status: 401,
                                        reason: "the \(route.channel) channel needs a Callgate session at the upgrade (access_token, the callgate_session cookie or Authorization)")
            }
            guard context.sipIdentities[identity.user] != nil else {
                metrics.routeEvent(route.channel, "sip_no_identity")
                Log.info("sip_no_identity", ["channel": route.channel, "peer": peerHost, "user": identity.user])
                return .respond(status: 403, body: "user \(identity.user) has no SIP identity in the directory\n", keepAlive: false)
            }
            if let popup {
                guard let link = popup.link else {
                    return openSession(upgrade, identity: identity, admission: PopupAdmission(session: popup, lease: nil))
                }
                // One live session per link (VodiaLinkLeases): a second popup of the same link
                // waits. The lease is given back when the action is dropped or the session ends.
                guard let lease = PopupLinkLease(context: context, link: link) else {
                    return refuseLinkInUse(user: identity.user, elsewhere: false)
                }
                guard context.agentHub.shared != nil else {
                    return openSession(upgrade, identity: identity, admission: PopupAdmission(session: popup, lease: lease))
                }
                // Held here; at every instance too (docs/cluster.md §6.4).
                let channel = route.channel
                return .askHub(later: { hub, done in hub.acquireLinkLease(lease, channel: channel) { done($0) } },
                               answer: { [self] outcome in
                    guard outcome != .heldElsewhere else {
                        lease.release()
                        return refuseLinkInUse(user: identity.user, elsewhere: true)
                    }
                    return openSession(upgrade, identity: identity, admission: PopupAdmission(session: popup, lease: lease))
                })
            }
        }
        return openSession(upgrade, identity: identity, admission: nil)
    }

    /// 409: a session of this popup link is open, here or (`elsewhere`) at another instance.
    private func refuseLinkInUse(user: String, elsewhere: Bool) -> EndpointAction {
        metrics.routeEvent(route.channel, elsewhere ? "makecall_link_in_use_elsewhere" : "makecall_link_in_use")
        Log.info("makecall_link_in_use", ["channel": route.channel, "peer": peerHost, "user": user, "elsewhere": "\(elsewhere)"])
        return .respond(status: 409, body: "this click-to-call link is in use by another window\n", keepAlive: false)
    }

    /// The session: upstream first, or the 101 now.
    private func openSession(_ upgrade: WebSocketUpgrade, identity: Identity?, admission: PopupAdmission?) -> EndpointAction {
        let upstreamFirst = route.connectsUpstreamFirst(identified: identity != nil)
        let session = SessionRequest(
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
        var limits = context.webSocketLimits
        if let bytes = route.limits.messageBytes {
            limits.maxMessageSize = bytes
            limits.maxFramePayload = min(limits.maxFramePayload, bytes)
            limits.maxInflatedSize = min(limits.maxInflatedSize, bytes)
        }
        return accept(upgrade, .route(route, session, identity: identity), limits: limits, upstreamFirst: upstreamFirst)
    }

    /// A refused or missing credential at the upgrade: `status` (401) with `WWW-Authenticate`.
    private func refuseCredential(status: Int, reason: String) -> EndpointAction {
        metrics.routeEvent(route.channel, "auth_refused")
        Log.info("auth_refused", ["channel": route.channel, "peer": peerHost, "reason": reason])
        return .respond(status: status, body: "\(reason)\n", keepAlive: false,
                        extraHeaders: [("WWW-Authenticate", "Bearer realm=\"callgate\"")])
    }
}
