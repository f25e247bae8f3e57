import Routes
import MuxEnvelope
import WSFraming

/// One browser session on a mux upstream connection. Keeps what the protocol promises the
/// browser: its requests (text messages with a top-level `id`) are remembered until a reply
/// with that id comes back, so that an upstream loss answers each of them with an error reply
/// instead of silence; messages sent while the upstream is down get the same answer.
final class MuxLink: BackendLink {
    unowned let session: RouteSession
    private unowned let upstream: MuxUpstream
    let id: UInt32
    /// Announced to the back end at least once: the next `open` says `resumed`.
    private(set) var announced = false
    /// The browser was told `upstreamLost` and waits for `upstreamRestored`.
    private var lost = false
    /// Requests sent and not yet answered.
    private var pending: Set<RequestID> = []
    /// Messages from before the first connection opened (bounded by the session queue limit).
    private var waiting: [(MuxDataKind, [UInt8])] = []
    private var waitingBytes = 0

    /// Requests remembered per session; beyond it the oldest are not tracked (counted).
    static let pendingCapacity = 1_024

    init(session: RouteSession, upstream: MuxUpstream, id: UInt32) {
        self.session = session
        self.upstream = upstream
        self.id = id
    }

    func start() { upstream.attach(self) }

    func send(_ opcode: Opcode, _ payload: UnsafeRawBufferPointer) {
        let kind: MuxDataKind = opcode == .text ? .text : .binary
        let request = kind == .text ? RequestIDScanner.requestID(in: payload) : nil
        if upstream.isOpen {
            if let request {
                if pending.count < Self.pendingCapacity {
                    pending.insert(request)
                } else {
                    session.loop.metrics.routeEvent(session.route.channel, "mux_pending_untracked")
                }
            }
            upstream.send(self, kind, payload)
        } else if lost {
            session.deliver(.text, GatewayMessage.errorReply(id: request, text: unavailableText))
        } else {
            waitingBytes += payload.count
            if waitingBytes > session.sessionQueueLimit { return session.sessionQueueOverflowed() }
            waiting.append((kind, Array(payload)))
        }
    }

    func browserBackpressure(_ backedUp: Bool) {}

    func browserEnded(_ payload: ClosePayload?) {
        let code: UInt16 = payload == nil ? 1006 : payload!.code?.rawValue ?? 1005
        upstream.detach(self, code: code, reason: payload?.reason ?? "")
    }

    // MARK: from the upstream

    func announcedNow() { announced = true }

    func upstreamOpened() {
        if lost {
            lost = false
            session.deliver(.text, GatewayMessage.upstreamRestored(channel: session.route.channel))
        }
        for (kind, bytes) in waiting {
            if kind == .text, let request = bytes.withUnsafeBytes({ RequestIDScanner.requestID(in: $0) }) { pending.insert(request) }
            bytes.withUnsafeBytes { upstream.send(self, kind, $0) }
        }
        waiting = []
        waitingBytes = 0
    }

    /// The back end's message for this session; the session closes alone when its browser
    /// does not keep up (4008, `RouteSession.deliver`).
    func deliver(_ kind: MuxDataKind, _ payload: UnsafeRawBufferPointer) {
        if kind == .text, !pending.isEmpty, let reply = RequestIDScanner.requestID(in: payload) {
            pending.remove(reply)
        }
        session.deliver(kind == .text ? .text : .binary, payload)
    }

    func upstreamLost() {
        guard !lost else { return }
        lost = true
        session.deliver(.text, GatewayMessage.upstreamLost(channel: session.route.channel))
        for request in pending.sorted(by: { $0.json < $1.json }) {
            session.deliver(.text, GatewayMessage.errorReply(id: request, text: unavailableText))
        }
        pending.removeAll()
        for (kind, bytes) in waiting {
            let request = kind == .text ? bytes.withUnsafeBytes { RequestIDScanner.requestID(in: $0) } : nil
            session.deliver(.text, GatewayMessage.errorReply(id: request, text: unavailableText))
        }
        waiting = []
        waitingBytes = 0
    }

    func closedByBackEnd(_ code: CloseCode, reason: String) {
        session.closeBrowser(ClosePayload(code: code, reason: reason))
    }

    private var unavailableText: String { "the \(session.route.channel) back end is unavailable" }
}
