import Routes
import SIP
import WSFraming

/// A `sip` route's back-end side: a pipe to the SIP server (upstream first, close codes and
/// backpressure as `PipeLink`), with every browser message read by a `SIPGate` on the way
/// (docs/sip-edge.md §2). What the gate refuses never reaches the upstream: Callgate answers it
/// (403, 400, 505, 513), drops it, or closes the browser; each refusal is logged (`Log.info`,
/// the event name) and counted in `callgate_route_events_total{channel,event}`. Messages from the
/// SIP server are relayed as they are.
final class SIPLink: BackendLink {
    private unowned let session: RouteSession
    private let pipe: PipeLink
    private let gate: SIPGate

    init(session: RouteSession, target: UpstreamTarget, gate: SIPGate) {
        self.session = session
        self.gate = gate
        pipe = PipeLink(session: session, target: target)
    }

    func start() { pipe.start() }
    func browserBackpressure(_ backedUp: Bool) { pipe.browserBackpressure(backedUp) }
    func browserEnded(_ payload: ClosePayload?) { pipe.browserEnded(payload) }

    func send(_ opcode: Opcode, _ payload: UnsafeRawBufferPointer) {
        switch gate.inspect(Array(payload), toTag: newTag) {
        case .keepAlive:
            pipe.send(opcode, payload)
        case .forward(let bytes):
            session.loop.metrics.routeEvent(session.route.channel, "sip_forwarded")
            bytes.withUnsafeBytes { pipe.send(opcode, $0) }
        case .answer(let response, let refusal):
            refused(refusal)
            session.deliver(opcode, response)
        case .discard(let refusal):
            refused(refusal)
        case .close(let close, let refusal):
            refused(refusal)
            session.closeBrowser(close)
            pipe.browserEnded(ClosePayload(code: .goingAway, reason: "browser sent what is not SIP"))
        }
    }

    private func refused(_ refusal: SIPGate.Refusal) {
        session.loop.metrics.routeEvent(session.route.channel, refusal.event)
        Log.info(refusal.event, ["channel": session.route.channel, "user": gate.user, "peer": session.request.address,
                                 "status": refusal.status.map(String.init) ?? "none", "reason": refusal.reason])
    }

    /// RFC 3261 §19.3: a To tag with at least 32 bits of randomness (64 here, from the loop's CSPRNG).
    private func newTag() -> String {
        let high = UInt64(session.loop.maskKeys.key()) << 32 | UInt64(session.loop.maskKeys.key())
        return "cg" + String(high, radix: 36)
    }
}
