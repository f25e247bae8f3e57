import Glibc
import AgentProtocol
import CallControlMessages
import Containers
import RetryBackoff
import Synchronization
import TLSBridge
import WSFraming

/// A call-control back end in another process, over the call-control protocol
/// (docs/backend-protocol.md §12): the Switchboard as `callgate switchboard`, or a vendor's
/// adapter. One WebSocket from the hub's loop, with the gateway's own client
/// (`Connection.connect`).
///
/// - Each request gets an id and exactly one answer: the back end's, `upstreamTimeout` after
///   `requestTimeoutMilliseconds`, or `upstreamUnavailable` when the connection is down or lost.
/// - Reconnects after a loss with full-jitter backoff (`ReconnectingUpstream`).
/// - Keeps, per user, the last event number `n` it received, and sends them in `resync` on each
///   connection with the users it has signed in: the back end replays what it still has, names
///   the users it cannot (`resynced`'s `lost`) and those it no longer has signed in for this
///   instance (`signedOut`: signed in again, as after a restart). Their tabs get a fresh state:
///   after the back end restarted (another epoch), the calls last seen live end (`callHangup`,
///   cause 0) and the users this instance signed in are signed in again and told `user` and
///   `identify` (or `ready`); otherwise the `snapshot` becomes a `ready`.
/// - Readiness (`unavailableReason`): nil only between `resynced` and the next loss; `/readyz`
///   answers 503 with the reason meanwhile.
final class RemoteCallControl: CallControl, WebSocketApplication, TimedHandler, @unchecked Sendable {
    let settings: CallControlSettings
    private let url: WebSocketURL
    private let address: SocketAddress
    private let tls: TLSClientContext?
    private let secret: String
    /// The server's context, for the client connection; set once before `start`.
    nonisolated(unsafe) var context: ServerContext!
    var onEvents: ([AddressedEvent]) -> Void = { _ in }
    var tickSlot = -1
    private var loop: EventLoop!
    /// The connection; open once upgraded, with `hello` and `resync` sent: requests go out.
    private var upstream: ReconnectingUpstream
    private var lastID: UInt64 = 0
    private var waiting: [UInt64: Waiting] = [:]
    /// Ids in the order they were sent: their deadlines are in the same order.
    private var deadlines = RingBuffer<UInt64>()
    /// The back end's epoch as its last `hello` gave it.
    private var epoch: String?
    /// The epoch changed at the last `hello`: the back end lost its state.
    private var restarted = false
    /// Per user, the last event number received in `epoch`.
    private var lastN: [String: UInt64] = [:]
    /// The users this instance signed in, with the identifiers it signed them in with.
    private var signedIn: [String: [String]] = [:]
    /// Each user's live calls as the last event showed them, so that a back end that restarted
    /// without them can be followed by a `callHangup` for each.
    private var liveCalls: [String: [String: Call]] = [:]
    private let down = Mutex<String?>("not connected yet")

    private struct Waiting {
        let deadline: UInt64
        let completion: (CallControlAnswer) -> Void
    }

    static let channel = "callcontrol"

    init(settings: CallControlSettings) throws {
        self.settings = settings
        url = try WebSocketURL(parsing: settings.url ?? "")
        address = try SocketAddress.resolve(host: url.host, port: url.port)
        tls = url.isSecure ? try TLSClientContext(settings.tls) : nil
        secret = String(decoding: settings.secret ?? [], as: UTF8.self)
        upstream = ReconnectingUpstream(
            channel: Self.channel, subprotocol: CallControlProtocol.subprotocol,
            backoff: Backoff(baseMilliseconds: settings.reconnectBaseMilliseconds, capMilliseconds: settings.reconnectCapMilliseconds))
    }

    /// Why the back end cannot be asked now; nil when it can. Any thread.
    var unavailableReason: String? { down.withLock { $0 } }

    func start(on loop: EventLoop) {
        self.loop = loop
        loop.addTimed(self)
        connect()
    }

    // MARK: requests

    func perform(_ request: CallControlRequest, completion: @escaping (CallControlAnswer) -> Void) {
        var done = completion
        switch request {
        case .signIn(let user, let identifiers):
            done = { [unowned self] answer in
                if case .signedIn = answer { signedIn[user] = identifiers }
                completion(answer)
            }
        case .signOut(let user):
            // Forgotten even if the back end cannot be told: it is not signed in again after a restart.
            signedIn[user] = nil
        default:
            break
        }
        guard upstream.isOpen, let connection = upstream.connection else {
            completion(.failed(.unavailable("the call-control back end is unreachable: \(unavailableReason ?? "connecting")")))
            return
        }
        guard waiting.count < settings.maxPendingRequests else {
            loop.metrics.routeEvent(Self.channel, "overloaded")
            completion(.failed(.unavailable("more than \(settings.maxPendingRequests) call-control requests wait for answers")))
            return
        }
        lastID = lastID == CallControlProtocol.maxNumber ? 1 : lastID + 1
        waiting[lastID] = Waiting(deadline: loop.now + UInt64(settings.requestTimeoutMilliseconds), completion: done)
        deadlines.append(lastID)
        send(.request(id: lastID, request), on: connection)
    }

    func tick(now: UInt64) {
        if upstream.retryIsDue(now: now) { connect() }
        while let id = deadlines.first {
            guard let entry = waiting[id] else {
                _ = deadlines.removeFirst()
                continue
            }
            guard entry.deadline <= now else { break }
            _ = deadlines.removeFirst()
            waiting[id] = nil
            loop.metrics.routeEvent(Self.channel, "request_timeout")
            Log.info("callcontrol_timeout", ["id": "\(id)", "ms": "\(settings.requestTimeoutMilliseconds)"])
            entry.completion(.failed(.timedOut(after: settings.requestTimeoutMilliseconds)))
        }
    }

    private func send(_ message: CallControlMessage, on connection: Connection) {
        message.encoded().withUnsafeBytes { try? connection.send(.text, $0) }
        connection.deferFlush()
    }

    // MARK: the connection

    private func connect() {
        let refused = upstream.connect {
            try Connection.connect(
                to: url, address: address, loop: loop, context: context, application: self, tls: tls,
                subprotocols: [CallControlProtocol.subprotocol],
                extraHeaders: [("Authorization", "Bearer \(secret)"), (CallControlProtocol.instanceHeader, InstanceName.current)],
                handshakeTimeoutMilliseconds: settings.connectTimeoutMilliseconds)
        }
        if let refused { failed(refused) }
    }

    func opened(_ connection: Connection) {
        if let refused = upstream.opened(connection, metrics: loop.metrics) { return failed(refused) }
        send(.hello(CallControlHello(instance: InstanceName.current)), on: connection)
        // Events come only after the resync (§12.5): the back end first sends what was missed,
        // for every user heard of, and from the first for those signed in but not yet heard of.
        var after = lastN
        for user in signedIn.keys where after[user] == nil { after[user] = 0 }
        // Naming who is signed in now settles sign-outs the back end could not hear (§12.5).
        send(.resync(epoch: epoch ?? "", after: after, signedIn: Array(signedIn.keys)), on: connection)
    }

    func received(_ connection: Connection, text: UnsafeRawBufferPointer) throws(WebSocketError) {
        switch CallControlMessage.decode(text) {
        case .success(.hello(let hello)):
            guard hello.version == CallControlProtocol.version else {
                return violation(connection, .unsupportedVersion(hello.version))
            }
            let previous = epoch
            if let announced = hello.epoch, announced != previous {
                restarted = previous != nil
                epoch = announced
                lastN = [:]
            } else {
                restarted = false
            }
            Log.info("callcontrol_hello", ["backend": hello.backend ?? "", "epoch": hello.epoch ?? "", "previous": previous ?? ""])
        case .success(.answer(let id, let answer)):
            guard let entry = waiting.removeValue(forKey: id) else {
                loop.metrics.routeEvent(Self.channel, "late_answer")
                return
            }
            entry.completion(answer)
        case .success(.event(let user, let n, let event)):
            if let last = lastN[user], n <= last {
                loop.metrics.routeEvent(Self.channel, "event_repeat")
                return
            }
            lastN[user] = n
            follow(event, of: user)
            onEvents([AddressedEvent(user: user, event: event, number: epoch.map { EventNumber(epoch: $0, n: n) })])
        case .success(.resynced(let lost, let signedOut)):
            down.withLock { $0 = nil }
            loop.metrics.upstream(Self.channel, up: true)
            Log.info("callcontrol_ready", ["upstream": "\(url)", "lost": "\(lost.count)", "signed_out": "\(signedOut.count)",
                                           "restarted": "\(restarted)"])
            recover(lost, signedOut: signedOut)
        case .success(.request), .success(.resync):
            violation(connection, .malformed("a request or resync from the back end"))
        case .success(.unknown):
            break
        case .failure(let error):
            violation(connection, error)
        }
    }

    func received(_ connection: Connection, binary: UnsafeRawBufferPointer) throws(WebSocketError) {
        violation(connection, .malformed("a binary message"))
    }

    func peerClosing(_ connection: Connection, payload: ClosePayload) {
        connection.application = nil
        failed(upstream.reason(closedWith: payload, connection))
    }

    func closed(_ connection: Connection, code: CloseCode?) {
        failed(upstream.reason(closedWith: nil, connection))
    }

    /// A message this side cannot take: closed with the error's code (§12.7), then as a loss.
    private func violation(_ connection: Connection, _ error: CallControlProtocolError) {
        Log.warning("callcontrol_protocol_error", ["error": "\(error)"])
        upstream.abandon(connection, ClosePayload(code: CloseCode(error), reason: "call-control protocol error"))
        failed("protocol error: \(error)")
    }

    /// The connection is gone or never came: every waiting request is answered
    /// `upstreamUnavailable`, and the next try is scheduled.
    private func failed(_ reason: String) {
        down.withLock { $0 = reason }
        let delay = upstream.failed(now: loop.now, metrics: loop.metrics).retryMilliseconds
        Log.warning("callcontrol_down", ["upstream": "\(url)", "reason": reason, "waiting": "\(waiting.count)", "retry_ms": "\(delay)"])
        let failing = waiting
        waiting = [:]
        deadlines = RingBuffer()
        for id in failing.keys.sorted() {
            failing[id]!.completion(.failed(.unavailable("the call-control back end was lost before it answered (\(reason))")))
        }
    }

    // MARK: users whose events could not all be replayed

    private func follow(_ event: AgentEvent, of user: String) {
        switch event {
        case .callHangup(let call):
            liveCalls[user]?[call.uniqueid] = nil
            if liveCalls[user]?.isEmpty == true { liveCalls[user] = nil }
        case .callNew(let call), .callRinging(let call), .callConnect(let call), .callHold(let call), .callResume(let call),
             .callMute(let call), .callUnmute(let call):
            liveCalls[user, default: [:]][call.uniqueid] = call
        default:
            break
        }
    }

    /// Users whose events could not all be replayed get a fresh state; users the back end no
    /// longer has signed in for this instance (it restarted, or it gave the instance up while it
    /// was away) are signed in again.
    private func recover(_ lost: [String], signedOut: [String]) {
        if restarted {
            // The calls went with the back end: each user's tabs hear them end, cause unknown.
            for user in lost.sorted() {
                guard let calls = liveCalls.removeValue(forKey: user) else { continue }
                let ended = calls.keys.sorted().map { uniqueid -> AddressedEvent in
                    var call = calls[uniqueid]!
                    call.state = .hangup
                    call.cause = .unknown
                    call.now = Int64(time(nil))
                    call.disconnected = call.now
                    return AddressedEvent(user: user, event: .callHangup(call))
                }
                onEvents(ended)
            }
        }
        let signInAgain = Set(restarted ? lost : signedOut).filter { signedIn[$0] != nil }
        for user in signInAgain.sorted() { self.signInAgain(user, identifiers: signedIn[user]!) }
        for user in lost where !signInAgain.contains(user) && signedIn[user] != nil {
            perform(.snapshot(user: user)) { [unowned self] answer in
                guard case .snapshot(let snapshot?) = answer, snapshot.device != nil else { return }
                onEvents([AddressedEvent(user: user, event: .ready(snapshot))])
            }
        }
    }

    /// Signs `user` in again and gives the tabs a fresh start: `user`, then `ready` or `identify`.
    private func signInAgain(_ user: String, identifiers: [String]) {
        loop.metrics.routeEvent(Self.channel, "signed_in_again")
        perform(.signIn(user: user, identifiers: identifiers)) { [unowned self] answer in
            guard case .signedIn(let signIn) = answer else {
                Log.warning("callcontrol_resignin_failed", ["user": user, "answer": "\(answer)"])
                return
            }
            var events: [AgentEvent] = [.user(signIn.user)]
            if signIn.state == .ready, let snapshot = signIn.snapshot {
                events.append(.ready(snapshot))
            } else {
                events.append(.identify(identificators: signIn.identificators))
                if let identifier = signIn.identifier { events.append(.identifier(identificator: identifier)) }
            }
            onEvents(events.map { AddressedEvent(user: user, event: $0) })
        }
    }
}
