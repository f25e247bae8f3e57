import AgentProtocol
import WSFraming

/// One session on the `report` channel: the `report` channel's embedded back end. The gate has
/// authenticated the user (a session token from `login`/`sso`); requests use the agent
/// protocol's shapes, and the methods served are `callHistory`, answered from the embedded
/// Switchboard through the `AgentHub` (docs/agent-protocol.md §2.1, "The report channel"), and
/// `ping`, answered here.
final class ReportLink: BackendLink, @unchecked Sendable {
    private unowned let session: RouteSession
    private let hub: AgentHub
    private let user: String
    private var ended = false

    init(session: RouteSession, hub: AgentHub) {
        self.session = session
        self.hub = hub
        // The route requires authentication: the session starts only with an identity.
        user = session.identity?.user ?? ""
    }

    func start() {}

    func send(_ opcode: Opcode, _ payload: UnsafeRawBufferPointer) {
        guard opcode == .text else {
            // RFC 6455 §7.4.1: 1003, a type of data the endpoint cannot accept.
            ended = true
            session.closeBrowser(ClosePayload(code: .unsupportedData, reason: "the report protocol is JSON text"))
            return
        }
        switch AgentRequest.parse(payload) {
        case .failure(let error):
            answer(AgentReply.error(error).encoded())
        case .success(let request) where request.command == .ping:
            answer(AgentReply.ok(id: request.id).encoded())
        case .success(let request):
            guard case .callHistory(let query) = request.command else {
                answer(AgentReply.error(AgentProtocolError(id: request.id, kind: .unknownMethod(request.method.rawValue))).encoded())
                return
            }
            let loop = session.loop
            hub.loop.execute { [hub, user, self] in
                hub.callHistory(of: user, query, id: request.id) { bytes in
                    loop.execute { self.answer(bytes) }
                }
            }
        }
    }

    func browserBackpressure(_ backedUp: Bool) {}

    func browserEnded(_ payload: ClosePayload?) {
        ended = true
    }

    private func answer(_ bytes: [UInt8]) {
        guard !ended else { return }
        session.deliver(.text, bytes)
    }
}
