import ClickToCall
import AuthSchemes
import HTTP1
import WSFraming

/// Click-to-call over HTTP (docs/click-to-call.md §1–2): the request parsed by ClickToCall, its
/// caller authenticated as the dialect allows, the dial placed on the agent hub's loop, and the
/// reply in the dialect's style, with `Connection: close` like the admin API.
struct ClickToCallEndpoint: HTTPEndpoint {
    let context: ServerContext
    let request: EndpointRequest
    /// The dialect the path and query name (`HTTPRouteTable`).
    let dialect: ClickToCallDialect

    /// In this order, so that nothing before the credential is checked depends on the directory
    /// or the number plan (issue 18): the dialect, method and query syntax
    /// (`ClickToCallQuery`), the caller (401), the dial and its number (400), then the agent on
    /// the hub (403, 404, 409).
    func respond() -> EndpointAction {
        let query: ClickToCallQuery
        switch ClickToCallQuery.parse(method: head.method, path: head.path, query: head.query) {
        case .failure(let error): return refuseClickToCall(error, dialect: dialect)
        case .success(let parsed): query = parsed
        }
        let caller: ClickToCallCaller
        switch clickToCallCaller(head, query) {
        case .failure(let error): return refuseClickToCall(error, dialect: dialect)
        case .success(let found): caller = found
        }
        let request: ClickToCallRequest
        switch query.request(numbering: context.numbering) {
        case .failure(let error): return refuseClickToCall(error, dialect: dialect)
        case .success(let parsed): request = parsed
        }
        return .askHub(later: { $0.clickToCall(request, caller: caller, completion: $1) }, answer: { [self] placed in
            switch placed {
            case .success(let uniqueid): answerClickToCall(.success(request, uniqueid: uniqueid), dialect: dialect, error: nil)
            case .failure(let error): refuseClickToCall(error, dialect: dialect)
            }
        })
    }

    /// The first credential the request carries among those its dialect accepts (§2): an API
    /// key (`Authorization: Bearer`, or `key=` where the dialect has it), the session cookie,
    /// or the client address (a trusted server address, or a phone's identifier in the
    /// directory). A credential that is present and wrong is refused, not skipped.
    private func clickToCallCaller(_ head: HTTPRequestHead, _ request: ClickToCallQuery) -> Result<ClickToCallCaller, ClickToCallError> {
        let settings = context.config.clickToCall
        for scheme in request.dialect.authentication {
            switch scheme {
            case .apiKey:
                if let keyed = apiKeyCaller(head, queryKey: request.apiKey) { return keyed.mapError(ClickToCallError.unauthorized) }
                if settings.trustedAddresses.contains(peerHost) { return .success(.server) }
            case .sessionCookie:
                let token = head.headers.values(for: "Cookie").lazy
                    .compactMap { GateCredential.cookie(named: GateCredential.cookieName, in: $0) }.first
                if let token {
                    switch context.authenticator.verify(.session(token: token), channel: "ws", address: peerHost) {
                    case .success(let identity): return .success(.agent(identity.user))
                    case .failure(let error): return .failure(.unauthorized(error))
                    }
                }
            case .clientAddress:
                if context.agentHub.directory.device(identifier: peerHost) != nil { return .success(.workplace(peerHost)) }
            }
        }
        return .failure(.unauthorized(.missingCredential))
    }

    private func refuseClickToCall(_ error: ClickToCallError, dialect: ClickToCallDialect) -> EndpointAction {
        answerClickToCall(.failure(error, dialect: dialect), dialect: dialect, error: error)
    }

    private func answerClickToCall(_ reply: ClickToCallReply, dialect: ClickToCallDialect, error: ClickToCallError?) -> EndpointAction {
        metrics.routeEvent("clicktocall", "status_\(reply.status)")
        if let error {
            Log.info("click_to_call_refused", ["peer": peerHost, "dialect": dialect.rawValue, "status": "\(reply.status)",
                                               "code": error.code, "reason": error.reason])
        }
        return .respond(status: reply.status, body: reply.body, keepAlive: false, contentType: reply.contentType,
                        extraHeaders: reply.headerPairs.filter { $0.0 != "Cache-Control" })
    }
}

extension HTTPEndpoint {
    /// The API key the request presents (`Authorization: Bearer`, else the query's `key=`),
    /// checked against `clickToCall.apiKeys`: a server key or an agent's; nil when none is
    /// presented. Click-to-call and device Action URLs share the keys.
    func apiKeyCaller(_ head: HTTPRequestHead, queryKey: String?) -> Result<ClickToCallCaller, AuthError>? {
        let bearer = head.headers.values(for: "Authorization").lazy.compactMap(GateCredential.bearerToken).first
        guard let presented = bearer ?? queryKey else { return nil }
        guard let key = context.config.clickToCall.key(matching: presented) else { return .failure(.badSignature) }
        return .success(key.user.map(ClickToCallCaller.agent) ?? .server)
    }
}
