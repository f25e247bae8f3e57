import Glibc
import Routes
import Switchboard
import WSFraming

/// The Vodia popup's link check (docs/click-to-call.md §3): `GET /makecall/session` with the
/// query of a `makecall.htm` link that carries credentials. A good link, used for the first
/// time, gets a session token for its user restricted to its number (`VodiaSession`), valid
/// until the link's end; `public/makecall.js` hands it to the agent bar, which attaches with it.
///
/// | outcome | status | body |
/// |---|---|---|
/// | accepted | 200 | `{"token":"v1.…","expires":T+D,"user":"alice","destination":"+420602123456"}` |
/// | the query's shape (`VodiaLink.parse`), or the link's values (`malformed`: time, duration, pass, a duration above `clickToCall.linkMaxDurationSeconds`) | 400 | `{"error":{"code":"…","text":"…"}}` |
/// | no credentials, wrong `pass`, unknown or disabled user or one without `linkSecret` (all the same answer), expired, not yet valid, used before | 401 + `WWW-Authenticate` | `{"error":{"code":"badSignature"\|"expired"\|"notYetValid"\|"replayed"\|"missingCredential","text":"…"}}` |
/// | a good link whose `destnumber` the number plan refuses (read only after the credentials) | 400 | `{"error":{"code":"invalidNumber"\|"unknownExtension"\|…,"text":"…"}}` |
/// | not GET | 405 + `Allow: GET` | |
///
/// Every answer has `Cache-Control: no-store` and closes the connection. Refusals are logged
/// (`vodia_link_refused`, never the `pass`) and counted (`callgate_route_events_total{channel="makecall"}`).
extension Connection {
    static let vodiaSessionPath = "/makecall/session"

    func serveVodiaSession(_ head: HTTPRequestHead) {
        guard head.method == "GET" else {
            // A link is followed with GET; HEAD must not use up a single-use link.
            refuseVodiaLink(405, code: "methodNotAllowed", text: "method not allowed; use GET", extraHeaders: [("Allow", "GET")],
                            headOnly: head.method == "HEAD")
            return
        }
        let link: VodiaLink
        switch VodiaLink.parse(query: head.query) {
        case .failure(let error):
            refuseVodiaLink(400, code: error.code, text: error.reason)
            return
        case .success(let parsed):
            link = parsed
        }
        // A disabled user is answered like an unknown one: no token, and nothing told apart.
        let user = link.credentials.flatMap { context.agentHub.directory.user(named: $0.user) }
        let secret = user?.enabled == true ? user?.linkSecret : nil
        let verifier = VodiaLinkVerifier(maxDurationSeconds: Int64(context.config.clickToCall.linkMaxDurationSeconds))
        let now = Int64(time(nil))
        let verified: VerifiedVodiaLink
        switch verifier.verify(link, secret: secret, now: now) {
        case .failure(.malformed(let why)):
            refuseVodiaLink(400, code: "malformed", text: why)
            return
        case .failure(let error):
            refuseVodiaLink(401, code: Self.code(of: error), text: error.reason,
                            extraHeaders: [("WWW-Authenticate", "Bearer realm=\"callgate\"")])
            return
        case .success(let accepted):
            verified = accepted
        }
        // The number plan only now: before the credentials are good, no answer tells which
        // extensions exist.
        let number: DialNumber
        switch verified.number(numbering: context.numbering) {
        case .failure(let error):
            refuseVodiaLink(400, code: error.code, text: error.reason)
            return
        case .success(let classified):
            number = classified
        }
        let (admitted, full, capacity) = context.vodiaLinks.withLock { links in (links.admit(verified, now: now), links.isFull, links.capacity) }
        guard admitted else {
            // Fails closed when the guard is full of unexpired links: say so, it is not a replay.
            if full { Log.warning("vodia_replay_guard_full", ["capacity": "\(capacity)"]) }
            refuseVodiaLink(401, code: "replayed", text: AuthError.replayed.reason,
                            extraHeaders: [("WWW-Authenticate", "Bearer realm=\"callgate\"")])
            return
        }
        let claims = VodiaSession.claims(for: verified, number: number, user: verified.user, issued: now)
        let token = context.authenticator.sessions.issue(claims)
        var json = JSONWriter(capacity: 512)
        json.raw(#"{"token":"#); json.string(token)
        json.raw(#","expires":"#); json.integer(claims.expires)
        json.raw(#","user":"#); json.string(verified.user)
        json.raw(#","destination":"#); json.string(number.text)
        json.raw("}")
        loop.metrics.routeEvent("makecall", "session_opened")
        Log.info("vodia_session_opened", ["peer": peerHost, "user": verified.user, "destination": number.text,
                                          "expires": "\(claims.expires)"])
        respond(status: 200, body: json.bytes, keepAlive: false, contentType: "application/json",
                extraHeaders: [("X-Content-Type-Options", "nosniff")])
    }

    private func refuseVodiaLink(_ status: Int, code: String, text: String, extraHeaders: [(String, String)] = [],
                                 headOnly: Bool = false) {
        loop.metrics.routeEvent("makecall", "refused_\(code)")
        Log.info("vodia_link_refused", ["peer": peerHost, "status": "\(status)", "code": code, "reason": text])
        var json = JSONWriter(capacity: 256)
        json.raw(#"{"error":{"code":"#); json.string(code)
        json.raw(#","text":"#); json.string(text)
        json.raw("}}")
        respond(status: status, body: json.bytes, keepAlive: false, contentType: "application/json",
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
