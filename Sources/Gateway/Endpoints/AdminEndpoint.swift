import Routes
import Switchboard
import HTTP1
import WSFraming

/// The admin HTTP API (docs/admin-api.md): the request is parsed here, carried out on the agent
/// hub's loop, and answered when the hub is done, with `Connection: close` (requests pipelined
/// behind it are not read).
extension Connection {
    func serveAdmin(_ head: HTTPRequestHead) {
        guard adminAllowed(head) else {
            loop.metrics.routeEvent("admin", "unauthorized")
            Log.info("admin_refused", ["peer": peerHost, "path": head.path])
            respondAdmin(AdminError.unauthorized.status, AdminError.unauthorized.body,
                         extraHeaders: [("WWW-Authenticate", "Bearer realm=\"callgate-admin\"")])
            return
        }
        let command: AdminCommand
        switch AdminCommand.parse(method: head.method, path: head.path, query: head.query) {
        case .failure(let error):
            var headers: [(String, String)] = []
            if case .methodNotAllowed(let allowed) = error { headers.append(("Allow", allowed)) }
            respondAdmin(error.status, error.body, extraHeaders: headers)
            return
        case .success(let parsed):
            command = parsed
        }
        askHub(later: { $0.admin(command, completion: $1) }, answer: { [self] in respondAdmin($0.status, $0.body) })
    }

    /// With `admin.apiKey`: `Authorization: Bearer <key>`, compared in constant time. Without
    /// one: loopback clients only (the embedded default's demo page).
    private func adminAllowed(_ head: HTTPRequestHead) -> Bool {
        guard let key = context.config.agents.adminKey else {
            return isLoopbackPeer
        }
        return head.headers.values(for: "Authorization").contains { value in
            GateCredential.bearerToken(value).map { ConstantTime.equal(Array($0.utf8), key) } ?? false
        }
    }

    private func respondAdmin(_ status: Int, _ body: [UInt8], extraHeaders: [(String, String)] = []) {
        loop.metrics.routeEvent("admin", "status_\(status)")
        respond(status: status, body: body, keepAlive: false, contentType: "application/json", extraHeaders: extraHeaders)
    }

    /// A client on 127.0.0.0/8 or ::1.
    var isLoopbackPeer: Bool { peerHost.hasPrefix("127.") || peerHost == "::1" }
}
