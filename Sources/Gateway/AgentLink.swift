import Glibc
import AgentProtocol
import AuthSchemes
import HTTP1
import WSFraming

/// One agent-bar tab on `/ws`: the `ws` channel's embedded back end (docs/agent-protocol.md).
/// Reads requests, answers the ones that need no state (malformed, too large, too many in
/// flight), and hands the rest to the `AgentHub`, whose replies and events it writes out in the
/// order they come. Lives on the browser connection's loop; the hub calls it only through
/// `loop.execute`, and reads only its `let`s.
final class AgentLink: BackendLink, @unchecked Sendable {
    let loop: EventLoop
    let hub: AgentHub
    /// The client's address: `autologout` keeps the tabs of one address (one browser).
    let address: String
    /// Candidate device identifiers, most specific first: the URL parameter `identifier`, the
    /// cookie `callgate_identifier`, the client address (docs/compatibility.md §1.2 identifyURL, identifyCookie,
    /// identifyIP).
    let identifiers: [String]
    /// The credential the upgrade request carried, for an `attach` without a token.
    let upgradeIdentity: Identity?
    private unowned let session: RouteSession
    private var requestsInFlight = 0
    /// When this tab's authentication runs out (Unix seconds): closed with 4003 then.
    private var expires: Int64?
    private var ended = false

    /// The URL parameter and the cookie that name the phone this browser sits at.
    static let identifierParameter = "identifier"
    static let identifierCookie = "callgate_identifier"

    init(session: RouteSession, hub: AgentHub) {
        self.session = session
        self.hub = hub
        loop = session.loop
        address = session.request.address
        identifiers = Self.identifiers(of: session.request)
        upgradeIdentity = session.identity
    }

    /// The URL parameter, then the cookie, then the address; empty values skipped.
    static func identifiers(of request: SessionRequest) -> [String] {
        var found: [String] = []
        if let value = QueryString(request.query).value(named: identifierParameter), !value.isEmpty { found.append(value) }
        for line in request.cookies {
            if let value = GateCredential.cookie(named: identifierCookie, in: line), !value.isEmpty { found.append(value) }
        }
        found.append(request.address)
        return found
    }

    func start() {
        hub.loop.execute { [hub, self] in hub.opened(self) }
    }

    func send(_ opcode: Opcode, _ payload: UnsafeRawBufferPointer) {
        guard opcode == .text else {
            // RFC 6455 §7.4.1: 1003, a type of data the endpoint cannot accept.
            close(ClosePayload(code: .unsupportedData, reason: "the agent protocol is JSON text"))
            return
        }
        switch AgentRequest.parse(payload) {
        case .failure(let error):
            answer(.error(error))
        case .success(let request) where request.command == .ping:
            // Answered here, not by the hub: it proves this connection, both ways, and nothing else.
            answer(.ok(id: request.id))
        case .success(let request):
            guard requestsInFlight < hub.settings.tabRequestsInFlight else {
                loop.metrics.routeEvent("ws", "too_many_requests")
                Log.info("too_many_requests", ["channel": "ws", "peer": address, "limit": "\(hub.settings.tabRequestsInFlight)"])
                answer(.error(AgentProtocolError(id: request.id, kind: .failed(
                    code: "tooManyRequests", text: "more than \(hub.settings.tabRequestsInFlight) requests wait for their replies"))))
                return
            }
            requestsInFlight += 1
            hub.loop.execute { [hub, self] in hub.request(self, id: request.id, command: request.command) }
        }
    }

    func browserBackpressure(_ backedUp: Bool) {}

    func browserEnded(_ payload: ClosePayload?) {
        guard !ended else { return }
        ended = true
        hub.loop.execute { [hub, self] in hub.closed(self) }
    }

    func tick(now: UInt64) {
        if let expires, Int64(time(nil)) >= expires {
            self.expires = nil
            loop.metrics.routeEvent("ws", "auth_expired")
            Log.info("auth_expired", ["channel": "ws", "peer": address])
            close(ClosePayload(code: .authenticationExpired, reason: "authentication expired; log in again"))
        }
    }

    // MARK: from the hub (on this tab's loop)

    /// A reply to one of this tab's requests.
    func reply(_ bytes: [UInt8]) {
        requestsInFlight -= 1
        push(bytes)
    }

    /// An event, or a reply the tab did not ask for through `send`. A tab that does not read is
    /// cut off with 4008 once its queue passes `sessionQueueBytes` (`RouteSession.deliver`); it
    /// reconnects and `attach`es, losing nothing.
    func push(_ bytes: [UInt8]) {
        guard !ended else { return }
        session.deliver(.text, bytes)
    }

    /// The tab is signed in until `expires`; nil: no expiry, or signed out.
    func authenticated(until expires: Int64?) {
        self.expires = expires
    }

    /// Closes the tab from this side (the engine's `.close`: 4009 when the same browser tab
    /// connected again and took this one's place): the session does not call `browserEnded`
    /// then, so the hub is told here.
    func close(_ payload: ClosePayload) {
        guard !ended else { return }
        ended = true
        session.closeBrowser(payload)
        hub.loop.execute { [hub, self] in hub.closed(self) }
    }

    /// A reply that never went to the hub.
    private func answer(_ reply: AgentReply) {
        session.deliver(.text, reply.encoded())
    }
}
