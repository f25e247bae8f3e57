import Glibc
import Routes
import ClickToCall
import AuthSchemes
import JSON
import SIP
import Switchboard
import HTTP1
import WSFraming

/// The Vodia popup's session (docs/click-to-call.md §3): `GET /makecall/session` with the query
/// of a `makecall.htm` link. A good link gets a session token for its user restricted to its
/// number; so does a user already signed in who sends their session token as
/// `Authorization: Bearer` with a plain link (only to call through the web phone).
///
/// Where the gateway has a `sip` route and the user a SIP identity, the popup calls from the
/// browser (its web phone on that route): the token is a `PopupSIPSession` (scope `makecall-sip`),
/// the answer names the route and the identity (`sip`), and a link stays valid for its whole
/// `duration` with at most one live session at a time (`VodiaLinkLeases`). Otherwise the popup
/// places the call on the agent's paired phone over `/ws`: the token is a `VodiaSession` (scope
/// `makecall`), `sip` is null, and each link is accepted once (`VodiaReplayGuard`).
///
/// | outcome | status | body |
/// |---|---|---|
/// | accepted | 200 | `{"token":"v1.…","expires":T+D,"user":"alice","destination":"+420602123456","sip":{"path":"/sip","aor":"sip:alice@…"}}` (`sip` null without a web phone) |
/// | the query's shape (`VodiaLink.parse`), or the link's values (`malformed`: time, duration, pass, a duration above `clickToCall.linkMaxDurationSeconds`) | 400 | `{"error":{"code":"…","text":"…"}}` |
/// | no credentials, wrong `pass`, unknown or disabled user or one without `linkSecret` (all the same answer), expired, not yet valid, used before (without a web phone), a bad bearer token | 401 + `WWW-Authenticate` | `{"error":{"code":"badSignature"\|"expired"\|"notYetValid"\|"replayed"\|"missingCredential",…}}` |
/// | a good link whose `destnumber` the number plan refuses (read only after the credentials) | 400 | `{"error":{"code":"invalidNumber"\|"unknownExtension"\|…,"text":"…"}}` |
/// | a link whose web phone session is open in another window | 409 | `{"error":{"code":"inUse",…}}` |
/// | a bearer token, but no `sip` route or no SIP identity | 404 | `{"error":{"code":"noWebPhone",…}}` |
/// | not GET | 405 + `Allow: GET` | |
///
/// Every answer has `Cache-Control: no-store` and closes the connection. Refusals are logged
/// (`vodia_link_refused`, never the `pass`) and counted (`callgate_route_events_total{channel="makecall"}`).
struct VodiaSessionEndpoint: HTTPEndpoint {
    static let path = "/makecall/session"

    let context: ServerContext
    let request: EndpointRequest

    func respond() -> EndpointAction {
        guard head.method == "GET" else {
            // A link is followed with GET; HEAD must not use up a single-use link.
            return refuseVodiaLink(405, code: "methodNotAllowed", text: "method not allowed; use GET", extraHeaders: [("Allow", "GET")],
                                   headOnly: head.method == "HEAD")
        }
        let link: VodiaLink
        switch VodiaLink.parse(query: head.query) {
        case .failure(let error):
            return refuseVodiaLink(400, code: error.code, text: error.reason)
        case .success(let parsed):
            link = parsed
        }
        if link.credentials == nil, let bearer = head.headers.values(for: "Authorization").lazy.compactMap(GateCredential.bearerToken).first {
            return serveSignedInPopup(link, token: bearer)
        }
        // A disabled user is answered like an unknown one: no token, and nothing told apart.
        let user = link.credentials.flatMap { context.agentHub.directory.user(named: $0.user) }
        let secret = user?.enabled == true ? user?.linkSecret : nil
        let verifier = VodiaLinkVerifier(maxDurationSeconds: Int64(context.config.clickToCall.linkMaxDurationSeconds))
        let now = Int64(time(nil))
        let verified: VerifiedVodiaLink
        switch verifier.verify(link, secret: secret, now: now) {
        case .failure(.malformed(let why)):
            return refuseVodiaLink(400, code: "malformed", text: why)
        case .failure(let error):
            return refuseVodiaLink(401, code: Self.code(of: error), text: error.reason,
                                   extraHeaders: [("WWW-Authenticate", "Bearer realm=\"callgate\"")])
        case .success(let accepted):
            verified = accepted
        }
        // The number plan only now: before the credentials are good, no answer tells which
        // extensions exist.
        let number: DialNumber
        switch verified.number(numbering: context.numbering) {
        case .failure(let error):
            return refuseVodiaLink(400, code: error.code, text: error.reason)
        case .success(let classified):
            number = classified
        }
        let claims: SessionClaims
        let phone = context.webPhone(of: verified.user)
        if phone != nil {
            // A web phone: the link holds for its duration, one live session at a time.
            let key = PopupSIPSession.linkKey(verified)
            guard !context.popupLinks.withLock({ $0.isHeld(key) }) else { return refuseLinkInUse() }
            claims = PopupSIPSession(number: number, link: key).claims(user: verified.user, issued: now, expires: verified.expires)
            if context.agentHub.shared != nil {
                // Not held here; nor at another instance (docs/cluster.md §6.4).
                return .askHub(later: { hub, done in hub.linkLeaseHeldElsewhere(key) { done($0) } }, answer: { [self, claims] held in
                    guard !held else {
                        metrics.routeEvent("makecall", "in_use_elsewhere")
                        return refuseLinkInUse()
                    }
                    return grantPopupSession(claims, destination: number, phone: phone)
                })
            }
        } else {
            let (admitted, full, capacity) = context.vodiaLinks.withLock { links in (links.admit(verified, now: now), links.isFull, links.capacity) }
            guard admitted else {
                // Fails closed when the guard is full of unexpired links: say so, it is not a replay.
                if full { Log.warning("vodia_replay_guard_full", ["capacity": "\(capacity)"]) }
                return refuseVodiaLink(401, code: "replayed", text: AuthError.replayed.reason,
                                       extraHeaders: [("WWW-Authenticate", "Bearer realm=\"callgate\"")])
            }
            claims = VodiaSession.claims(for: verified, number: number, user: verified.user, issued: now)
            if context.agentHub.shared != nil {
                // Accepted here; once across every instance too (docs/cluster.md §6.4).
                let key = AgentHub.vodiaClaimKey(verified), ttl = Int(verified.expires - now + 1) * 1_000
                return .askHub(later: { hub, done in hub.claimSingleUse(key, ttlMilliseconds: ttl, channel: "makecall") { done($0) } },
                               answer: { [self, claims] first in
                    guard first else {
                        metrics.routeEvent("makecall", "replayed_elsewhere")
                        return refuseVodiaLink(401, code: "replayed", text: AuthError.replayed.reason,
                                               extraHeaders: [("WWW-Authenticate", "Bearer realm=\"callgate\"")])
                    }
                    return grantPopupSession(claims, destination: number, phone: phone)
                })
            }
        }
        return grantPopupSession(claims, destination: number, phone: phone)
    }

    /// A signed-in user's popup (a plain link, the session token as bearer): a `PopupSIPSession`
    /// without a link, until the session's end but at most `linkMaxDurationSeconds`. Only for a
    /// web phone: without one the popup uses the agent bar's own session on `/ws`.
    private func serveSignedInPopup(_ link: VodiaLink, token: String) -> EndpointAction {
        let identity: Identity
        switch context.authenticator.verify(.session(token: token), channel: "ws", address: peerHost) {
        case .failure(let error):
            return refuseVodiaLink(401, code: Self.code(of: error), text: error.reason,
                                   extraHeaders: [("WWW-Authenticate", "Bearer realm=\"callgate\"")])
        case .success(let verified):
            identity = verified
        }
        guard context.agentHub.directory.user(named: identity.user)?.enabled == true else {
            return refuseVodiaLink(401, code: "badSignature", text: AuthError.unknownUser.reason,
                                   extraHeaders: [("WWW-Authenticate", "Bearer realm=\"callgate\"")])
        }
        let number: DialNumber
        switch context.numbering.classify(link.destination) {
        case .failure(let error):
            return refuseVodiaLink(400, code: error.code, text: error.reason)
        case .success(let classified):
            number = classified
        }
        guard let phone = context.webPhone(of: identity.user) else {
            return refuseVodiaLink(404, code: "noWebPhone", text: "no sip route, or no SIP identity for \(identity.user)")
        }
        let now = Int64(time(nil))
        let longest = now + Int64(context.config.clickToCall.linkMaxDurationSeconds)
        let claims = PopupSIPSession(number: number, link: nil)
            .claims(user: identity.user, issued: now, expires: min(identity.expires ?? longest, longest))
        return grantPopupSession(claims, destination: number, phone: phone)
    }

    /// 200 with the token of `claims`; `phone`: the route and identity the popup's web phone uses.
    private func grantPopupSession(_ claims: SessionClaims, destination number: DialNumber, phone: (route: Route, identity: SIPIdentity)?) -> EndpointAction {
        let token = context.authenticator.sessions.issue(claims)
        var json = JSONWriter(capacity: 512)
        json.raw(#"{"token":"#); json.string(token)
        json.raw(#","expires":"#); json.integer(claims.expires)
        json.raw(#","user":"#); json.string(claims.user)
        json.raw(#","destination":"#); json.string(number.text)
        json.raw(#","sip":"#)
        if let phone {
            json.raw(#"{"path":"#); json.string(phone.route.path)
            json.raw(#","aor":"#); json.string(phone.identity.description)
            json.raw("}")
        } else {
            json.raw("null")
        }
        json.raw("}")
        metrics.routeEvent("makecall", "session_opened")
        Log.info("vodia_session_opened", ["peer": peerHost, "user": claims.user, "destination": number.text,
                                          "expires": "\(claims.expires)", "scope": claims.scope])
        return .respond(status: 200, body: json.bytes, keepAlive: false, contentType: "application/json",
                extraHeaders: [("X-Content-Type-Options", "nosniff")])
    }

    private func refuseLinkInUse() -> EndpointAction {
        refuseVodiaLink(409, code: "inUse", text: "this link's call is open in another window")
    }

    private func refuseVodiaLink(_ status: Int, code: String, text: String, extraHeaders: [(String, String)] = [],
                                 headOnly: Bool = false) -> EndpointAction {
        metrics.routeEvent("makecall", "refused_\(code)")
        Log.info("vodia_link_refused", ["peer": peerHost, "status": "\(status)", "code": code, "reason": text])
        var json = JSONWriter(capacity: 256)
        json.raw(#"{"error":{"code":"#); json.string(code)
        json.raw(#","text":"#); json.string(text)
        json.raw("}}")
        return .respond(status: status, body: json.bytes, keepAlive: false, contentType: "application/json",
                extraHeaders: [("X-Content-Type-Options", "nosniff")] + extraHeaders, headOnly: headOnly)
    }

    /// The `error.code` of a refused link: the `AuthError` case's name.
    private static func code(of error: AuthError) -> String {
        switch error {
        case .missingCredential: "missingCredential"
        case .malformed: "malformed"
        case .badSignature: "badSignature"
        case .unknownProvider: "unknownProvider"
        case .expired: "expired"
        case .notYetValid: "notYetValid"
        case .replayed: "replayed"
        case .wrongUser: "wrongUser"
        case .wrongScope: "wrongScope"
        case .badPassword, .unknownUser: "badSignature"
        }
    }
}
