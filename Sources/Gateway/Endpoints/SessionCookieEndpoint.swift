import Glibc
import AuthSchemes
import HTTP1
import WSFraming

/// `/session/cookie`: turns the agent bar's session token into the `callgate_session` cookie
/// (RFC 6265 §4.1), so that a click on an Oktell `/callto` link in the same browser is the
/// agent's own (docs/click-to-call.md §2). `GET` with `Authorization: Bearer <token>` sets it,
/// `HttpOnly`, `SameSite=Lax` (a top-level link click carries it, a third-party page's
/// background request does not), `Secure` over TLS, for the token's remaining lifetime;
/// `DELETE` removes it.
struct SessionCookieEndpoint: HTTPEndpoint {
    static let path = "/session/cookie"

    let context: ServerContext
    let request: EndpointRequest

    func respond() -> EndpointAction {
        let secure = request.isTLS ? "; Secure" : ""
        switch head.method {
        case "DELETE":
            return .respond(status: 204, body: "", keepAlive: false, extraHeaders: [
                ("Set-Cookie", "\(GateCredential.cookieName)=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax\(secure)")])
        case "GET":
            guard let token = head.headers.values(for: "Authorization").lazy.compactMap(GateCredential.bearerToken).first else {
                return refuseSessionCookie(.missingCredential)
            }
            switch context.authenticator.verify(.session(token: token), channel: "ws", address: peerHost) {
            case .failure(let error):
                return refuseSessionCookie(error)
            case .success(let identity):
                let seconds = max(0, (identity.expires ?? 0) - Int64(time(nil)))
                metrics.routeEvent("session", "cookie_set")
                return .respond(status: 204, body: "", keepAlive: false, extraHeaders: [
                    ("Set-Cookie", "\(GateCredential.cookieName)=\(token); Path=/; Max-Age=\(seconds); HttpOnly; SameSite=Lax\(secure)")])
            }
        default:
            return .respond(status: 405, body: "method not allowed\n", keepAlive: false, extraHeaders: [("Allow", "GET, DELETE")])
        }
    }

    private func refuseSessionCookie(_ error: AuthError) -> EndpointAction {
        metrics.routeEvent("session", "cookie_refused")
        Log.info("session_cookie_refused", ["peer": peerHost, "reason": error.reason])
        return .respond(status: 401, body: error.reason + "\n", keepAlive: false,
                        extraHeaders: [("WWW-Authenticate", #"Bearer realm="callgate""#)])
    }
}
