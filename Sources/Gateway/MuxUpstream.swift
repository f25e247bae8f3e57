import Routes
import MuxEnvelope
import RetryBackoff
import WSFraming

/// One upstream connection of a mux pool and the sessions it carries (docs/backend-protocol.md).
///
/// Connected when the first session arrives; after a loss, reconnected with exponential backoff
/// and full jitter while it has sessions (`ReconnectingUpstream`). Its sessions hear of a loss (`upstreamLost`, error
/// replies for their pending requests) and are announced again, `resumed`, once it is back.
/// While its own queue is backed up, none of its browsers is read; a browser that does not
/// read is closed alone (4008), never stalling the others.
final class MuxUpstream: WebSocketApplication {
    private let route: Route
    private let target: UpstreamTarget
    private unowned let loop: EventLoop
    private unowned let context: ServerContext
    private var upstream: ReconnectingUpstream
    private var sessions: [UInt32: MuxLink] = [:]
    /// Sessions the gateway closed lately: data the back end sent them before it read our
    /// `close` is in flight and dropped quietly, instead of being answered with one `close` per frame.
    private var recentlyClosed: [UInt32] = []
    private static let recentlyClosedCapacity = 64
    private var backedUp = false
    /// Reused for each data frame's header and payload.
    private var scratch: [UInt8] = []

    init(route: Route, target: UpstreamTarget, loop: EventLoop, context: ServerContext) {
        self.route = route
        self.target = target
        self.loop = loop
        self.context = context
        upstream = ReconnectingUpstream(channel: route.channel, subprotocol: MuxProtocol.subprotocol, backoff: Backoff())
    }

    var isOpen: Bool { upstream.isOpen }
    private var connection: Connection? { upstream.connection }

    var sessionCount: Int { sessions.count }
    func hasSession(_ id: UInt32) -> Bool { sessions[id] != nil }
    private var channel: String { route.channel }

    // MARK: sessions

    func attach(_ link: MuxLink) {
        sessions[link.id] = link
        if isOpen {
            announce(link)
        } else if upstream.mayConnect(now: loop.now) {
            connect()
        }
        if backedUp { link.session.suspendBrowserReading(true) }
    }

    /// Ends a session from the gateway's side; the back end is told with a `close`.
    func detach(_ link: MuxLink, code: UInt16, reason: String) {
        guard sessions.removeValue(forKey: link.id) != nil else { return }
        guard isOpen else { return }
        sendControl(.close(session: link.id, code: code, reason: reason))
        if recentlyClosed.count == Self.recentlyClosedCapacity { recentlyClosed.removeFirst() }
        recentlyClosed.append(link.id)
        // Draining: the last session is gone, so the connection goes too (1001), and it is
        // not a loss to recover from.
        if sessions.isEmpty && context.isDraining {
            upstream.close(ClosePayload(code: .goingAway, reason: "gateway draining"))
        }
    }

    /// Relays one browser message as a data frame: 5-byte header, then the payload.
    func send(_ link: MuxLink, _ kind: MuxDataKind, _ payload: UnsafeRawBufferPointer) {
        guard let connection else { return }
        scratch.removeAll(keepingCapacity: true)
        MuxFrame.encodeDataHeader(kind: kind, session: link.id, into: &scratch)
        scratch.append(contentsOf: payload)
        scratch.withUnsafeBytes { try? connection.send(.binary, $0) }
        connection.deferFlush()
    }

    func announce(_ link: MuxLink) {
        let session = link.session
        sendControl(.open(MuxSessionAnnouncement(
            session: link.id, channel: channel, user: session.identity?.user, provider: session.identity?.provider,
            address: session.request.address, path: session.request.path, query: session.request.query,
            subprotocol: session.request.subprotocol, origin: session.request.origin, resumed: link.announced)))
        link.announcedNow()
    }

    private func sendControl(_ control: MuxControl) {
        guard let connection else { return }
        control.encoded().withUnsafeBytes { try? connection.send(.text, $0) }
        connection.deferFlush()
    }

    // MARK: the connection

    private func connect() {
        guard !context.isDraining else { return }
        let refused = upstream.connect {
            try Connection.connect(
                to: target.url, address: target.address, loop: loop, context: context, application: self,
                tls: target.tls, subprotocols: [MuxProtocol.subprotocol],
                extraHeaders: [(MuxProtocol.channelHeader, channel), (MuxProtocol.instanceHeader, Self.instance(loop))],
                handshakeTimeoutMilliseconds: route.limits.connectTimeoutMilliseconds)
        }
        if let refused { failed(refused) }
    }

    func tick(now: UInt64) {
        if upstream.retryIsDue(now: now), !sessions.isEmpty { connect() }
    }

    func opened(_ connection: Connection) {
        if let refused = upstream.opened(connection, metrics: loop.metrics) { return failed(refused) }
        loop.metrics.upstream(channel, up: true)
        Log.info("mux_upstream_open", ["channel": channel, "upstream": "\(target.url)", "sessions": "\(sessions.count)"])
        sendControl(.hello(version: MuxProtocol.version, instance: Self.instance(loop), channel: channel))
        for link in sessions.values.sorted(by: { $0.id < $1.id }) {
            announce(link)
            link.upstreamOpened()
        }
    }

    func received(_ connection: Connection, binary: UnsafeRawBufferPointer) throws(WebSocketError) {
        let frame: MuxDataFrame
        do { frame = try MuxFrame.decodeData(binary) } catch { return protocolViolation(connection, error) }
        guard let link = sessions[frame.session] else {
            if recentlyClosed.contains(frame.session) {
                loop.metrics.routeEvent(channel, "mux_late_data")
                return
            }
            loop.metrics.routeEvent(channel, "mux_unknown_session")
            sendControl(.close(session: frame.session, code: CloseCode.unknownMuxSession.rawValue, reason: "unknown session"))
            return
        }
        link.deliver(frame.kind, frame.payload)
    }

    func received(_ connection: Connection, text: UnsafeRawBufferPointer) throws(WebSocketError) {
        switch MuxControl.decode(text) {
        case .success(.close(let session, let code, let reason)):
            guard let link = sessions.removeValue(forKey: session) else { return }
            link.closedByBackEnd(CloseCode(muxBackendCode: code), reason: reason)
        case .success:
            break // hello, open and unknown types from a back end carry nothing for us
        case .failure(let error):
            protocolViolation(connection, error)
        }
    }

    func backpressureChanged(_ connection: Connection, backedUp: Bool) {
        setBackedUp(backedUp)
    }

    /// While the upstream does not take what is queued for it, its browsers are not read.
    private func setBackedUp(_ backedUp: Bool) {
        self.backedUp = backedUp
        for link in sessions.values { link.session.suspendBrowserReading(backedUp) }
    }

    func peerClosing(_ connection: Connection, payload: ClosePayload) {
        connection.application = nil
        failed(upstream.reason(closedWith: payload, connection))
    }

    func closed(_ connection: Connection, code: CloseCode?) {
        failed(upstream.reason(closedWith: nil, connection))
    }

    /// A malformed frame: close the connection with 1002, and treat it as lost.
    private func protocolViolation(_ connection: Connection, _ error: MuxProtocolError) {
        Log.warning("mux_protocol_error", ["channel": channel, "error": "\(error)"])
        upstream.abandon(connection, ClosePayload(code: CloseCode(error), reason: "mux protocol error"))
        failed("protocol error: \(error)")
    }

    /// The connection is gone or never came: tell the sessions, and schedule the next try.
    private func failed(_ reason: String) {
        recentlyClosed.removeAll()
        if backedUp { setBackedUp(false) }
        let delay = upstream.failed(now: loop.now, metrics: loop.metrics).retryMilliseconds
        Log.warning("mux_upstream_down", ["channel": channel, "upstream": "\(target.url)", "reason": reason,
                                          "sessions": "\(sessions.count)", "retry_ms": "\(delay)"])
        for link in sessions.values { link.upstreamLost() }
    }

    /// `host:pid/loop`, so a back end can tell the gateway's connections apart (docs/backend-protocol.md §1).
    private static func instance(_ loop: EventLoop) -> String {
        "\(InstanceName.current)/\(loop.index)"
    }
}
