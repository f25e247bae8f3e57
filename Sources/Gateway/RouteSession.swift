import Routes
import AuthSchemes
import WSFraming

/// What a session's upgrade request said, for the back end: where it came from and what it
/// asked for. The query has the credential parameters removed.
struct SessionRequest: Sendable {
    var path: String
    var query: String
    var origin: String?
    /// The subprotocol chosen from the route's `subprotocols` (a 101 answered before the
    /// upstream is connected); nil for none.
    var subprotocol: String?
    /// What the upstream is offered: the browser's offers when the upstream is connected first
    /// (`Route.subprotocolsToForward`), else the one chosen.
    var upstreamSubprotocols: [String] = []
    var address: String
    /// The request's `Cookie` lines.
    var cookies: [String] = []
    /// A `sip` route session opened with a click-to-call popup's token (docs/click-to-call.md §3.4).
    var popup: PopupAdmission?
}

/// One browser session on a route (a channel of the UCS `api` object): the authentication
/// gate, then the relay to the back end through a `BackendLink`. Lives on the browser
/// connection's loop, as the connection's application.
///
/// The gate: on a route that requires authentication, nothing the browser sends reaches the
/// back end until a credential was accepted — at the upgrade (checked before the 101), or as
/// the first message within `authTimeoutMilliseconds` (then answered with an `authenticated`
/// event). Refusals close with the codes of `AuthError` (4001, 4003) or 4002 on timeout.
///
/// Upstream first (`Route.connectsUpstreamFirst`): a session admitted at the upgrade starts its
/// link before the 101; the link reports `upstreamAccepted` (the 101 goes out with the
/// upstream's subprotocol) or `upstreamFailed` (502, 503 or 504 instead).
final class RouteSession: WebSocketApplication {
    let route: Route
    let request: SessionRequest
    let context: ServerContext
    unowned let loop: EventLoop
    /// Set at the upgrade, or by the first message.
    private(set) var identity: Identity?
    private(set) var browser: Connection?
    private(set) var link: BackendLink?
    private var authDeadline: UInt64?
    /// The first message's SSO token is being claimed in Redis: what the browser sent after it.
    private var claiming: [(opcode: Opcode, bytes: [UInt8])]?
    /// Upstream first: the browser's upgrade, waiting for the upstream's handshake.
    private var pendingUpgrade: (connection: Connection, upgrade: AcceptedUpgrade)?

    init(route: Route, request: SessionRequest, identity: Identity?, context: ServerContext, loop: EventLoop) {
        self.route = route
        self.request = request
        self.identity = identity
        self.context = context
        self.loop = loop
    }

    // MARK: browser side

    /// Upstream first: admits the session and starts its link while `connection` waits for its 101.
    func connectUpstreamFirst(_ connection: Connection, upgrade: AcceptedUpgrade) {
        pendingUpgrade = (connection, upgrade)
        admit()
    }

    func opened(_ connection: Connection) {
        browser = connection
        connection.loop.metrics.routeEvent(route.channel, "session_opened")
        connection.loop.metrics.routeSessionOpened(route.channel)
        if link != nil { return } // admitted before the 101 (upstream first)
        if route.authentication == .required && identity == nil {
            authDeadline = connection.loop.now + UInt64(route.limits.authTimeoutMilliseconds)
        } else {
            admit()
        }
    }

    func received(_ connection: Connection, text: UnsafeRawBufferPointer) throws(WebSocketError) {
        if authDeadline != nil {
            authenticate(firstMessage: text)
        } else if !holdWhileClaiming(.text, text) {
            link?.send(.text, text)
        }
    }

    func received(_ connection: Connection, binary: UnsafeRawBufferPointer) throws(WebSocketError) {
        if authDeadline != nil {
            refuse(.malformed("the first message must be a text credential"))
        } else if !holdWhileClaiming(.binary, binary) {
            link?.send(.binary, binary)
        }
    }

    func peerClosing(_ connection: Connection, payload: ClosePayload) {
        endLink(payload)
    }

    func backpressureChanged(_ connection: Connection, backedUp: Bool) {
        link?.browserBackpressure(backedUp)
    }

    /// Past the gate, the link's peer takes the browser's frames as they are.
    func relayPeer(of connection: Connection) -> Connection? {
        authDeadline == nil ? link?.relayPeer : nil
    }

    func tick(_ connection: Connection, now: UInt64) {
        link?.tick(now: now)
        if let authDeadline, now >= authDeadline {
            self.authDeadline = nil
            connection.loop.metrics.routeEvent(route.channel, "auth_timeout")
            Log.info("auth_timeout", ["channel": route.channel, "peer": request.address])
            closeBrowser(ClosePayload(code: .authenticationTimeout, reason: "no credential in time"))
        }
    }

    func closed(_ connection: Connection, code: CloseCode?) {
        // Not heard of by the link yet: the gateway failed the browser (1009, 1002, …), or the
        // browser vanished without a close frame (nil, 1006), or before its 101 (upstream first).
        pendingUpgrade = nil
        endLink(connection.sentCloseCode.map { ClosePayload(code: $0) })
        if browser != nil { connection.loop.metrics.routeSessionClosed(route.channel) }
        browser = nil
    }

    // MARK: the gate

    private func authenticate(firstMessage text: UnsafeRawBufferPointer) {
        authDeadline = nil
        let credential = GateCredential.fromFirstMessage(text)
        let result = credential.flatMap { credential in
            context.authenticator.verify(credential, channel: route.channel, address: request.address)
        }
        switch (result, credential) {
        case (.success(let verified), .success(.sso(let username, let token, let provider))) where context.agentHub.shared != nil:
            // Accepted by this instance's guard; once across every instance too (docs/cluster.md
            // §6.4), as at the upgrade. What the browser sends meanwhile waits.
            guard let browser else { return }
            claiming = []
            let key = AgentHub.ssoClaimKey(username: username, token: token, provider: provider), channel = route.channel
            let hub = context.agentHub
            hub.loop.execute { [browser] in
                hub.claimSingleUse(key, ttlMilliseconds: hub.ssoClaimMilliseconds, channel: channel) { first in
                    browser.loop.execute { (browser.application as? RouteSession)?.claimed(first, verified) }
                }
            }
        case (.success(let verified), _):
            authenticated(verified)
        case (.failure(let error), _):
            refuse(error)
        }
    }

    private func authenticated(_ verified: Identity) {
        identity = verified
        browser?.loop.metrics.routeEvent(route.channel, "authenticated")
        deliver(.text, GatewayMessage.authenticated(verified))
        admit()
    }

    /// The first message's SSO token was claimed in Redis (`first`), or another instance had it.
    func claimed(_ first: Bool, _ verified: Identity) {
        guard let held = claiming, browser != nil else { return }
        claiming = nil
        guard first else {
            browser?.loop.metrics.routeEvent(route.channel, "sso_replayed_elsewhere")
            return refuse(.replayed)
        }
        authenticated(verified)
        for (opcode, bytes) in held { bytes.withUnsafeBytes { link?.send(opcode, $0) } }
    }

    /// While the first message's token is being claimed, the browser's messages wait (within the
    /// session's queue: past it, 4008); false when nothing is being claimed.
    private func holdWhileClaiming(_ opcode: Opcode, _ payload: UnsafeRawBufferPointer) -> Bool {
        guard claiming != nil else { return false }
        claiming!.append((opcode, Array(payload)))
        if claiming!.reduce(0, { $0 + $1.bytes.count }) > sessionQueueLimit {
            claiming = nil
            sessionQueueOverflowed()
        }
        return true
    }

    private func refuse(_ error: AuthError) {
        authDeadline = nil
        browser?.loop.metrics.routeEvent(route.channel, "auth_refused")
        Log.info("auth_refused", ["channel": route.channel, "peer": request.address, "reason": error.reason])
        closeBrowser(ClosePayload(code: CloseCode(error), reason: error.reason))
    }

    /// The session may talk to its back end now.
    private func admit() {
        let link = context.makeLink(for: self)
        self.link = link
        link.start()
    }

    // MARK: for links

    /// Whether the browser still waits for its 101 (upstream first).
    var awaitsUpstream: Bool { pendingUpgrade != nil }

    /// Upstream first: the upstream accepted the upgrade and selected `subprotocol`, which the
    /// browser's 101 carries (RFC 6455 §4.2.2 step 5.5, decided by the upstream).
    func upstreamAccepted(subprotocol: String?) {
        guard let pending = pendingUpgrade else { return }
        pendingUpgrade = nil
        var upgrade = pending.upgrade
        upgrade.handshake.subprotocol = subprotocol
        pending.connection.answerUpgrade(upgrade)
    }

    /// The upstream did not open: before the 101 the browser gets the failure's HTTP status,
    /// after it close 1014. The link is not called back.
    func upstreamFailed(_ failure: UpstreamFailure) {
        guard let pending = pendingUpgrade else {
            closeBrowser(failure.closeAfterUpgrade)
            return
        }
        pendingUpgrade = nil
        link = nil
        pending.connection.refuseUpgrade(AcceptedUpgrade.refusal(failure, route: route))
    }

    /// Queues a message for the browser, flushed at the end of the loop's iteration, within the
    /// session's queue (`sessionQueueLimit`): the one that passes it closes the session with
    /// 4008 (`sessionQueueOverflowed`). The bound is checked by the connection's `send`, before
    /// and on the same count as its own `limits.outboundQueueBytes` (1008), which is never
    /// lower: a session that does not read gets 4008, whatever the settings.
    func deliver(_ opcode: Opcode, _ payload: UnsafeRawBufferPointer) {
        queue(opcode, payload, sessionLimit: sessionQueueLimit)
    }

    func deliver(_ opcode: Opcode, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { deliver(opcode, $0) }
    }

    /// A pipe's message from its upstream: bounded by the connection's own limit alone, as
    /// backpressure stops reading the upstream while the browser does not read (a pipe's
    /// `sessionQueueBytes` bounds what waits for the upstream's connect).
    func relay(_ opcode: Opcode, _ payload: UnsafeRawBufferPointer) {
        queue(opcode, payload, sessionLimit: .max)
    }

    private func queue(_ opcode: Opcode, _ payload: UnsafeRawBufferPointer, sessionLimit: Int) {
        guard let browser else { return }
        let within: Bool
        do { within = try browser.send(opcode, payload, sessionLimit: sessionLimit) } catch { return }
        if within { browser.deferFlush() } else { sessionQueueOverflowed() }
    }

    /// The route's `sessionQueueBytes`, else the gateway's `limits.outboundQueueBytes`.
    var sessionQueueLimit: Int { route.limits.sessionQueueBytes ?? context.limits.outboundQueueBytes }

    /// The session queued more than `sessionQueueLimit`, towards the browser or (a pipe while
    /// connecting, a mux before its connection opened) towards the back end: the browser gets
    /// 4008 and the link ends with the same payload (the hub forgets the tab; a mux back end
    /// gets `close` 4008).
    func sessionQueueOverflowed() {
        guard let browser else { return }
        browser.loop.metrics.routeEvent(route.channel, "session_queue_overflow")
        Log.info("session_queue_overflow", ["channel": route.channel, "peer": request.address, "queued": "\(browser.queuedBytes)"])
        let payload = ClosePayload(code: .sessionQueueOverflow, reason: "session queue overflow")
        endLink(payload)
        browser.startClose(payload)
        browser.deferFlush()
    }

    /// Ends the browser side with `payload`; the link is not called back.
    func closeBrowser(_ payload: ClosePayload) {
        link = nil
        guard let browser else { return }
        browser.startClose(payload)
        browser.deferFlush()
    }

    /// Stops or resumes reading the browser (pipe backpressure from the upstream).
    func suspendBrowserReading(_ suspended: Bool) {
        browser?.suspendReading(suspended)
    }

    private func endLink(_ payload: ClosePayload?) {
        authDeadline = nil
        guard let link else { return }
        self.link = nil
        link.browserEnded(payload)
    }
}
