import Glibc
import LastCallersWidget
import AuthSchemes
import HTTP1
import WSFraming

/// The last-callers widget (docs/compatibility.md §5, docs/click-to-call.md §6) and its token endpoint. Both
/// answer with `Connection: close`, like the admin API: the widget waits for the agent hub's
/// lookup, the token endpoint for the password hash.
///
/// - `GET /lastcaller/?vcallerid=…&token=…[&format=json]` (also HEAD): the widget token is
///   checked first (401, `WWW-Authenticate: Bearer`), then the query (400), then the hub's
///   loop looks the number up; the answer is `LastCallersPage` (HTML) or `LastCallersReply`
///   (JSON). A token whose user is no longer enabled in the directory is refused, so disabling a
///   user revokes their widgets.
/// - `GET /lastcaller/tokengen/token[?days=N]` with `Authorization: Basic` (RFC 7617: the hub's
///   password check and login throttle) or `Authorization: Bearer <session token>`: a new
///   widget token as `WidgetTokenReply`. 401 with a Basic challenge, 403 for a disabled user,
///   429 while throttled.
///
/// Every answer has `Cache-Control: no-store`, `X-Content-Type-Options: nosniff` and
/// `Referrer-Policy: no-referrer` (the widget URL carries its token); HTML pages add
/// `LastCallersPage.contentSecurityPolicy`. No `X-Frame-Options`: desktop clients embed the widget.
struct LastCallersEndpoint: HTTPEndpoint {
    static let widgetPath = "/lastcaller/"
    static let widgetTokenPath = "/lastcaller/tokengen/token"

    let context: ServerContext
    let request: EndpointRequest

    func respond() -> EndpointAction {
        if head.path == Self.widgetTokenPath {
            serveWidgetToken(head)
        } else {
            serveWidget(head)
        }
    }

    // MARK: the widget

    private func serveWidget(_ head: HTTPRequestHead) -> EndpointAction {
        let lenient = head.query.map(QueryString.init)
        let format: LastCallersRequest.Format = lenient?.value(named: "format") == "json" ? .json : .html
        let language = WidgetLanguage(acceptLanguage: head.headers.values(for: "Accept-Language"))
        guard head.method == "GET" || head.method == "HEAD" else {
            return refuseWidget(.methodNotAllowed("GET, HEAD"), format: format, language: language, headOnly: false,
                                extraHeaders: [("Allow", "GET, HEAD")])
        }
        let headOnly = head.method == "HEAD"
        // The token first: without a good one, nothing about the query is answered.
        let token = lenient?.value(named: "token") ?? ""
        let user: String
        switch WidgetToken.verify(signer: context.widgetTokens, token: token, now: Int64(time(nil))) {
        case .failure(let error):
            // RFC 6750 §3.1: no error code when the request had no credential at all.
            let challenge = token.isEmpty ? #"Bearer realm="callgate""# : #"Bearer realm="callgate", error="invalid_token""#
            return refuseWidget(.unauthorized(error), format: format, language: language, headOnly: headOnly,
                                extraHeaders: [("WWW-Authenticate", challenge)])
        case .success(let claims):
            user = claims.user
        }
        guard context.agentHub.directory.user(named: user)?.enabled == true else {
            return refuseWidget(.userDisabled, format: format, language: language, headOnly: headOnly,
                                extraHeaders: [("WWW-Authenticate", #"Bearer realm="callgate", error="invalid_token""#)])
        }
        let request: LastCallersRequest
        switch LastCallersRequest.parse(query: head.query, numbering: context.numbering) {
        case .failure(let error):
            return refuseWidget(WidgetError(error), format: format, language: language, headOnly: headOnly, extraHeaders: [])
        case .success(let parsed):
            request = parsed
        }
        return .askHub(later: { hub, done in hub.lastCallersReply(number: request.number, completion: done) }, answer: { [self] reply in
            metrics.routeEvent("lastcaller", "widget_shown")
            switch request.format {
            case .json:
                return answerLastCallers(200, reply.encoded(), contentType: "application/json", headOnly: headOnly)
            case .html:
                let page = LastCallersPage.render(reply, callerID: request.callerID, language: language, now: Int64(time(nil)))
                return answerLastCallers(200, page, contentType: LastCallersPage.contentType, headOnly: headOnly,
                                         extraHeaders: [("Content-Security-Policy", LastCallersPage.contentSecurityPolicy)])
            }
        })
    }

    private func refuseWidget(_ error: WidgetError, format: LastCallersRequest.Format, language: WidgetLanguage,
                              headOnly: Bool, extraHeaders: [(String, String)]) -> EndpointAction {
        logRefusal(error, path: Self.widgetPath)
        switch format {
        case .json:
            return answerLastCallers(error.status, error.json, contentType: "application/json", headOnly: headOnly,
                                     extraHeaders: extraHeaders)
        case .html:
            return answerLastCallers(error.status, LastCallersPage.error(error, language: language), contentType: LastCallersPage.contentType,
                                     headOnly: headOnly,
                                     extraHeaders: extraHeaders + [("Content-Security-Policy", LastCallersPage.contentSecurityPolicy)])
        }
    }

    // MARK: the token endpoint

    private func serveWidgetToken(_ head: HTTPRequestHead) -> EndpointAction {
        guard head.method == "GET" else {
            return refuseWidgetToken(.methodNotAllowed("GET"), extraHeaders: [("Allow", "GET")], headOnly: head.method == "HEAD")
        }
        let request: WidgetTokenRequest
        switch WidgetTokenRequest.parse(query: head.query) {
        case .failure(let error):
            return refuseWidgetToken(WidgetError(error))
        case .success(let parsed):
            request = parsed
        }
        let lifetime = request.lifetimeSeconds(default: Int64(context.config.lastCallers.tokenSeconds))
        // The first Authorization line of a scheme we know; a credential that is present and
        // wrong is refused, not skipped.
        for value in head.headers.values(for: "Authorization") {
            if let basic = BasicCredentials.parse(authorization: value) {
                switch basic {
                case .failure(let error): return refuseWidgetToken(.unauthorized(error))
                case .success where !self.request.isTLS && !self.request.isLoopbackPeer: return refuseWidgetToken(.insecureTransport)
                case .success(let credentials): return checkPassword(credentials, lifetime: lifetime)
                }
            }
            if let bearer = GateCredential.bearerToken(value) {
                switch context.authenticator.verify(.session(token: bearer), channel: "ws", address: peerHost) {
                case .failure(let error):
                    return refuseWidgetToken(.unauthorized(error))
                case .success(let identity):
                    guard context.agentHub.directory.user(named: identity.user)?.enabled == true else {
                        return refuseWidgetToken(.accountDisabled)
                    }
                    return issueWidgetToken(user: identity.user, method: "session", lifetime: lifetime)
                }
            }
        }
        return refuseWidgetToken(.unauthorized(.missingCredential))
    }

    /// The hub checks the password on its hashing loop, throttled like a `/ws` login.
    private func checkPassword(_ credentials: BasicCredentials, lifetime: Int64) -> EndpointAction {
        let address = peerHost
        return .askHub(later: { hub, done in
            hub.verifyPassword(username: credentials.user, password: credentials.password, address: address, completion: done)
        }, answer: { [self] check in
            switch check {
            case .valid: issueWidgetToken(user: credentials.user, method: "password", lifetime: lifetime)
            case .invalid: refuseWidgetToken(.unauthorized(.badPassword))
            case .disabled: refuseWidgetToken(.accountDisabled)
            case .throttled:
                refuseWidgetToken(.tooManyAttempts,
                                  extraHeaders: [("Retry-After", String(context.config.agents.delivery.loginFailureWindowSeconds))])
            }
        })
    }

    private func issueWidgetToken(user: String, method: String, lifetime: Int64) -> EndpointAction {
        let now = Int64(time(nil))
        let token = WidgetToken.issue(signer: context.widgetTokens, user: user, now: now, lifetimeSeconds: lifetime)
        let expires = now + min(max(lifetime, 1), WidgetToken.maxLifetimeSeconds)
        metrics.routeEvent("lastcaller", "token_issued")
        Log.info("widget_token_issued", ["user": user, "peer": peerHost, "method": method, "expires": String(expires)])
        return answerLastCallers(200, WidgetTokenReply(token: token, expires: expires, user: user).encoded(),
                                 contentType: "application/json", headOnly: false)
    }

    /// A JSON refusal; 401 challenges for both schemes the endpoint takes (RFC 9110 §11.6.1).
    private func refuseWidgetToken(_ error: WidgetError, extraHeaders: [(String, String)] = [], headOnly: Bool = false) -> EndpointAction {
        logRefusal(error, path: Self.widgetTokenPath)
        var headers = extraHeaders
        if error.status == 401 {
            headers.append(("WWW-Authenticate", BasicCredentials.challenge(realm: "callgate")))
            headers.append(("WWW-Authenticate", #"Bearer realm="callgate""#))
        }
        return answerLastCallers(error.status, error.json, contentType: "application/json", headOnly: headOnly, extraHeaders: headers)
    }

    // MARK: both

    private func logRefusal(_ error: WidgetError, path: String) {
        metrics.routeEvent("lastcaller", "refused_" + error.code)
        Log.info("lastcaller_refused", ["peer": peerHost, "path": path, "status": String(error.status),
                                        "code": error.code, "reason": error.text])
    }

    private func answerLastCallers(_ status: Int, _ body: [UInt8], contentType: String, headOnly: Bool,
                                   extraHeaders: [(String, String)] = []) -> EndpointAction {
        metrics.routeEvent("lastcaller", "status_\(status)")
        return .respond(status: status, body: body, keepAlive: false, contentType: contentType,
                        extraHeaders: [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer")] + extraHeaders,
                        headOnly: headOnly)
    }
}
