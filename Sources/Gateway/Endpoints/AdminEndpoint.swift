import CallControlMessages
import AuthSchemes
import Switchboard
import HTTP1
import WSFraming

/// The admin HTTP API (docs/admin-api.md): the request is parsed here, carried out on the agent
/// hub's loop, and answered when the hub is done, with `Connection: close` (requests pipelined
/// behind it are not read).
struct AdminEndpoint: HTTPEndpoint {
    let context: ServerContext
    let request: EndpointRequest

    func respond() -> EndpointAction {
        guard adminAllowed(head) else {
            metrics.routeEvent("admin", "unauthorized")
            Log.info("admin_refused", ["peer": peerHost, "path": head.path])
            return respondAdmin(AdminError.unauthorized.status, AdminError.unauthorized.body,
                                extraHeaders: [("WWW-Authenticate", "Bearer realm=\"callgate-admin\"")])
        }
        let command: AdminCommand
        switch AdminCommand.parse(method: head.method, path: head.path, query: head.query) {
        case .failure(let error):
            var headers: [(String, String)] = []
            if case .methodNotAllowed(let allowed) = error { headers.append(("Allow", allowed)) }
            return respondAdmin(error.status, error.body, extraHeaders: headers)
        case .success(let parsed):
            command = parsed
        }
        return .askHub(later: { $0.admin(command, completion: $1) }, answer: { [self] in respondAdmin($0.status, $0.body) })
    }

    /// With `admin.apiKey`: `Authorization: Bearer <key>`, compared in constant time. Without
    /// one: loopback clients only (the embedded default's demo page).
    private func adminAllowed(_ head: HTTPRequestHead) -> Bool {
        guard let key = context.config.agents.adminKey else {
            return request.isLoopbackPeer
        }
        return head.headers.values(for: "Authorization").contains { value in
            GateCredential.bearerToken(value).map { ConstantTime.equal(Array($0.utf8), key) } ?? false
        }
    }

    private func respondAdmin(_ status: Int, _ body: [UInt8], extraHeaders: [(String, String)] = []) -> EndpointAction {
        metrics.routeEvent("admin", "status_\(status)")
        return .respond(status: status, body: body, keepAlive: false, contentType: "application/json", extraHeaders: extraHeaders)
    }
}
