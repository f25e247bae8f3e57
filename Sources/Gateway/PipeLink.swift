import Routes
import HTTP1
import WSFraming

/// Pipe mode: one upstream WebSocket per browser session, opened once the session is
/// admitted. Messages are relayed as they are, in order, and close codes cross both ways
/// (`RelayClose`). Backpressure runs both ways: while one side does not take what is queued
/// for it, the other side is not read. Both connections live on the same loop.
///
/// The identity goes upstream as request headers: `X-Callgate-User`, `X-Callgate-Provider`,
/// `X-Forwarded-For`, `X-Callgate-Channel` (docs/backend-protocol.md).
///
/// Connected before the browser's 101 when the session is admitted at the upgrade (upstream
/// first): the upstream's subprotocol goes into the 101, its failure becomes 502/503/504.
final class PipeLink: BackendLink, WebSocketApplication {
    private unowned let session: RouteSession
    private let target: UpstreamTarget
    private var upstream: Connection?
    private var isOpen = false
    /// Browser messages that arrived while the upstream was still connecting.
    private var waiting: [(Opcode, [UInt8])] = []
    private var waitingBytes = 0
    private var browserBackedUp = false
    /// Sees every upstream message before the browser gets it (a `SIPLink` follows its calls).
    var upstreamObserver: ((UnsafeRawBufferPointer) -> Void)?
    /// Told when an open upstream closes or breaks (the session then ends).
    var upstreamEnded: (() -> Void)?

    init(session: RouteSession, target: UpstreamTarget) {
        self.session = session
        self.target = target
    }

    // MARK: BackendLink (browser side)

    func start() {
        let request = session.request
        var headers = [("X-Forwarded-For", request.address), ("X-Callgate-Channel", session.route.channel)]
        if let identity = session.identity {
            headers.append(("X-Callgate-User", HeaderValue.sanitized(identity.user)))
            if let provider = identity.provider { headers.append(("X-Callgate-Provider", HeaderValue.sanitized(provider))) }
        }
        var url = target.url
        if !request.query.isEmpty { url.target += (url.target.contains("?") ? "&" : "?") + request.query }
        do {
            upstream = try Connection.connect(
                to: url, address: target.address, loop: session.loop, context: session.context, application: self,
                tls: target.tls, subprotocols: request.upstreamSubprotocols, extraHeaders: headers,
                handshakeTimeoutMilliseconds: session.route.limits.connectTimeoutMilliseconds)
        } catch {
            failed(.unreachable("\(error)"))
        }
    }

    func send(_ opcode: Opcode, _ payload: UnsafeRawBufferPointer) {
        guard let upstream else { return }
        if isOpen {
            do { try upstream.send(opcode, payload) } catch { return }
            upstream.deferFlush()
            return
        }
        // Still connecting: hold the message, within the session's queue bound.
        waitingBytes += payload.count
        if waitingBytes > session.sessionQueueLimit { return session.sessionQueueOverflowed() }
        waiting.append((opcode, Array(payload)))
    }

    /// The open upstream takes the browser's frames as they are.
    var relayPeer: Connection? { isOpen ? upstream : nil }

    func browserBackpressure(_ backedUp: Bool) {
        browserBackedUp = backedUp
        upstream?.suspendReading(backedUp)
    }

    func browserEnded(_ payload: ClosePayload?) {
        endUpstream(RelayClose.towardsUpstream(payload))
    }

    private func endUpstream(_ payload: ClosePayload) {
        guard let upstream else { return }
        self.upstream = nil
        upstream.application = nil
        if isOpen {
            upstream.startClose(payload)
            upstream.deferFlush()
        } else {
            upstream.terminate(reason: nil)
        }
    }

    // MARK: WebSocketApplication (upstream side)

    func opened(_ connection: Connection) {
        isOpen = true
        session.loop.metrics.routeEvent(session.route.channel, "upstream_opened")
        session.loop.metrics.upstream(session.route.channel, up: true)
        session.upstreamAccepted(subprotocol: connection.subprotocol)
        for (opcode, bytes) in waiting {
            bytes.withUnsafeBytes { try? connection.send(opcode, $0) }
        }
        waiting = []
        waitingBytes = 0
        if browserBackedUp { connection.suspendReading(true) }
        connection.deferFlush()
    }

    func received(_ connection: Connection, text: UnsafeRawBufferPointer) throws(WebSocketError) {
        upstreamObserver?(text)
        session.relay(.text, text)
    }

    func received(_ connection: Connection, binary: UnsafeRawBufferPointer) throws(WebSocketError) {
        upstreamObserver?(binary)
        session.relay(.binary, binary)
    }

    /// The browser takes the upstream's frames as they are, unless an observer reads them.
    func relayPeer(of connection: Connection) -> Connection? {
        upstreamObserver == nil ? session.browser : nil
    }

    func backpressureChanged(_ connection: Connection, backedUp: Bool) {
        session.suspendBrowserReading(backedUp)
    }

    func peerClosing(_ connection: Connection, payload: ClosePayload) {
        upstream = nil
        connection.application = nil
        session.closeBrowser(RelayClose.towardsBrowser(payload))
        upstreamEnded?()
    }

    func closed(_ connection: Connection, code: CloseCode?) {
        // Reached only when the upstream ended without a close frame: it never opened, or
        // its TCP connection broke.
        upstream = nil
        if isOpen {
            session.loop.metrics.routeEvent(session.route.channel, "upstream_lost")
            session.loop.metrics.upstream(session.route.channel, up: false)
            Log.warning("upstream_lost", ["channel": session.route.channel, "upstream": "\(target.url)"])
            session.closeBrowser(RelayClose.towardsBrowser(nil))
            upstreamEnded?()
        } else {
            failed(connection.handshakeFailure ?? .refused("connection closed during the opening handshake"))
        }
    }

    /// The upstream did not open: counted, logged, and answered by the session (an HTTP status
    /// before the browser's 101, close 1014 after it).
    private func failed(_ failure: UpstreamFailure) {
        session.loop.metrics.routeEvent(session.route.channel, failure.event)
        session.loop.metrics.upstream(session.route.channel, up: false)
        Log.warning(failure.event, ["channel": session.route.channel, "upstream": "\(target.url)",
                                    "status": session.awaitsUpstream ? "\(failure.httpStatus)" : "close 1014",
                                    "reason": failure.reason])
        session.upstreamFailed(failure)
    }
}
