import Glibc
import SIPEdge
import AgentProtocol
import SIP
import WSFraming

/// A `sip` route's back-end side: a pipe to the SIP server (upstream first, close codes and
/// backpressure as `PipeLink`), with every browser message read by a `SIPGate` on the way
/// (docs/sip-edge.md §2). What the gate refuses never reaches the upstream: Callgate answers it
/// (403, 400, 505, 513), drops it, or closes the browser; each refusal is logged (`Log.info`,
/// the event name) and counted in `callgate_route_events_total{channel,event}`. Messages from the
/// SIP server are relayed as they are.
///
/// A `SIPCallTracker` follows the calls in both directions (docs/sip-edge.md §3). Its events are
/// counted per event name, logged at debug level, and go to `callEvents`: the agent hub, which
/// delivers them to the user's tabs like any other per-user event (`ServerContext.makeLink`).
final class SIPLink: BackendLink {
    private unowned let session: RouteSession
    private let pipe: PipeLink
    private let gate: SIPGate
    private var tracker: SIPCallTracker
    /// Where the call events of this phone go (the user, the events in order), after counting.
    var callEvents: (String, [AgentEvent]) -> Void = { _, _ in }
    /// A popup's hold on its link, given back when this link ends (docs/click-to-call.md §3.1).
    private let lease: PopupLinkLease?

    init(session: RouteSession, target: UpstreamTarget, lease: PopupLinkLease? = nil, gate: SIPGate) {
        self.session = session
        self.gate = gate
        self.lease = lease
        tracker = SIPCallTracker(user: gate.user, identity: gate.identity, randomBytes: SystemRandom.bytes)
        pipe = PipeLink(session: session, target: target)
        // Weak: the pipe may hear from its upstream after the session let this link go.
        pipe.upstreamObserver = { [weak self] payload in self?.serverSent(payload) }
        pipe.upstreamEnded = { [weak self] in self?.upstreamEnded() }
    }

    func start() { pipe.start() }

    /// A dialog of this session is in progress (the edge's call tracker): a draining gateway
    /// keeps the session until it ends (docs/sip-edge.md, docs/deploy.md §5).
    var hasLiveCall: Bool { tracker.activeCalls > 0 }
    func browserBackpressure(_ backedUp: Bool) { pipe.browserBackpressure(backedUp) }

    func browserEnded(_ payload: ClosePayload?) {
        pipe.browserEnded(payload)
        lease?.release()
        emit(tracker.sessionEnded(now: Self.now))
    }

    private func upstreamEnded() {
        lease?.release()
        emit(tracker.sessionEnded(now: Self.now))
    }

    deinit { lease?.release() }

    func send(_ opcode: Opcode, _ payload: UnsafeRawBufferPointer) {
        switch gate.inspect(Array(payload), toTag: newTag) {
        case .keepAlive:
            pipe.send(opcode, payload)
        case .forward(let bytes, let message):
            session.loop.metrics.routeEvent(session.route.channel, "sip_forwarded")
            bytes.withUnsafeBytes { pipe.send(opcode, $0) }
            emit(tracker.observe(message, from: .phone, now: Self.now))
        case .answer(let response, let refusal):
            refused(refusal)
            session.deliver(opcode, response)
        case .discard(let refusal):
            refused(refusal)
        case .close(let close, let refusal):
            refused(refusal)
            session.closeBrowser(close)
            browserEnded(ClosePayload(code: .goingAway, reason: "browser sent what is not SIP"))
        }
    }

    /// A message of the SIP server, on its way to the browser: only its calls are followed.
    private func serverSent(_ payload: UnsafeRawBufferPointer) {
        guard !SIPMessage.isKeepAlive(payload), let message = try? SIPMessage.parse(Array(payload), limits: gate.limits) else { return }
        emit(tracker.observe(message, from: .server, now: Self.now))
    }

    private func emit(_ events: [AgentEvent]) {
        guard !events.isEmpty else { return }
        for event in events {
            session.loop.metrics.routeEvent(session.route.channel, event.name)
            Log.debug("sip_call_event", ["channel": session.route.channel, "user": gate.user, "event": event.name])
        }
        callEvents(gate.user, events)
    }

    private func refused(_ refusal: SIPGate.Refusal) {
        session.loop.metrics.routeEvent(session.route.channel, refusal.event)
        Log.info(refusal.event, ["channel": session.route.channel, "user": gate.user, "peer": session.request.address,
                                 "status": refusal.status.map(String.init) ?? "none", "reason": refusal.reason])
    }

    /// RFC 3261 §19.3: a To tag with at least 32 bits of randomness (64 here, from the loop's CSPRNG).
    private func newTag() -> String {
        let random = UInt64(session.loop.maskKeys.key()) << 32 | UInt64(session.loop.maskKeys.key())
        return "cg" + String(random, radix: 36)
    }

    /// Unix seconds, the Call object's clock.
    private static var now: Int64 { Int64(time(nil)) }
}
