import Glibc
import CLinux
import Routes
import TLSBridge
import HTTP1
import WSFraming

/// One accepted TCP connection: an HTTP/1.1 exchange that may upgrade to WebSocket.
///
/// Owned by the loop that accepted it and touched only on that loop's thread. Transport only: the
/// byte-level rules live in HTTP1 and WSFraming, what to answer in the endpoints (Endpoints/);
/// this class reads, writes, keeps time and performs the actions those return. Here: the phases,
/// reading, writing and backpressure. The HTTP phase is in `Connection+HTTP.swift`, what an
/// endpoint returned performed in `+Endpoints` and `+Upgrade`, the WebSocket phase in
/// `+WebSocket` (its fast path in `+Relay`), TLS in `+TLS`, the timers in `+Timers`, the client
/// role in `+Client`, the real client address in `+ClientAddress`, shutdown in `+Shutdown`.
final class Connection: EventHandler, TimedHandler, DeferredFlushing, @unchecked Sendable {
    enum Phase {
        /// Client role: the TCP connect is in progress.
        case connecting
        /// Client role: the upgrade request is sent; reading the response head (RFC 6455 §4.1).
        case clientHandshake
        /// Server role: reading request heads (keep-alive allowed).
        case http
        /// Server role: a valid upgrade request waits for its back end (a pipe's upstream
        /// handshake, docs/config.md "Upstream first"), then gets the 101 or an error status.
        /// Bytes that arrive meanwhile are held; reading stops after the first of them.
        case upgrading
        /// Upgraded: frames in and out.
        case webSocket
        /// Our side is finished: output is flushed and then TCP is half-closed; input is
        /// read and discarded until the peer closes or `closeTimeout` passes (a close with
        /// unread input would send RST and could destroy our last bytes in flight).
        case draining
    }

    let fd: Int32
    unowned let loop: EventLoop
    let context: ServerContext
    let role: Role
    /// The client's numeric address as the gateway acts on it (logs, limits, throttles, the
    /// workplace map, `trustedAddresses`, the session's `address`): the TCP peer, or the client a
    /// trusted proxy names (`Connection+ClientAddress.swift`).
    var peerHost: String
    /// The connection's client before any per-request forwarding: the TCP peer, or the source
    /// of its PROXY header.
    var connectionHost: String
    /// The address this connection's place in the per-address cap is counted under.
    var limiterHost: String
    /// Set on a PROXY protocol listener until the header has been read.
    var proxyHeaderWait: ProxyHeaderWait?
    /// Accepted connections hold a place in the connection caps until they close.
    private let holdsLimiterPlace: Bool
    /// Admitted on the probe reserve beyond the caps (`limits.probeConnections`): health checks only.
    let forProbes: Bool
    var application: WebSocketApplication?
    var tickSlot = -1

    var phase: Phase
    /// When the current phase's deadline started: the handshake timer in the HTTP phase, the
    /// close timer while draining or after we sent a close frame.
    var phaseStarted: UInt64
    /// The last byte either way (the TLS buffers' release).
    var lastActivity: UInt64
    /// Set once a request head was handled: from then on what is written in the HTTP phase is a
    /// response, and the next head's deadline runs from its last write. Before, writes are the
    /// TLS handshake's, which the first deadline includes.
    var handledRequest = false
    /// The last byte read from the peer: the peer is alive while it sends (see `tick`).
    var lastReceived: UInt64
    var pingSentAt: UInt64?

    // HTTP phase
    var requestParser: HTTPRequestParser
    var headBuffer: [UInt8] = []
    /// Client role: the request we sent, to check the response against.
    var clientHandshake: ClientHandshake?
    /// Client role: the subprotocol the server chose (RFC 6455 §4.1), nil for none.
    var subprotocol: String?
    /// Client role: why the opening handshake failed, for the application's `closed`.
    var handshakeFailure: UpstreamFailure?

    // WebSocket phase
    var inbound: InboundStream?
    var encoder: MessageEncoder?
    var closeHandshake = CloseHandshake()
    var closeSentAt: UInt64?
    /// When the frame or fragmented message in progress began to arrive (nil: none is):
    /// `limits.messageTimeoutMilliseconds` runs from here.
    var messageStartedAt: UInt64?

    /// Bytes for the peer: plaintext, which for a plain connection is also what goes on the wire.
    var outbound = OutboundQueue()
    /// TLS, when this connection has it: the engine, and the ciphertext waiting for the socket.
    var tls: TLSEngine?
    var sealed = OutboundQueue()
    /// Bytes went through the connection since its buffers were last released (see `tick`). A
    /// flag, not a time: a read and a write within one millisecond of the release must count.
    var usedSinceRelease = false
    /// Release the TLS buffers as soon as the output is flushed: set after the 101, since most
    /// WebSockets (agent bars) then sit idle.
    var releaseTLSWhenFlushed = false
    /// Shut down our sending side once `outbound` is flushed.
    var finishAfterFlush = false
    /// An HTTP response is being made elsewhere (the admin API on the agent hub's loop): read
    /// nothing more until it is sent.
    var awaitingResponse = false
    private var interest: UInt32
    /// Our peer does not take what we queue: reading pauses (docs/style.md §9).
    private var readingPaused = false
    /// A relay's other side does not take what we read: reading pauses (see `suspendReading`).
    private var readingSuspended = false
    /// Set while the connection waits in its loop's deferred-flush list.
    var flushDeferred = false
    /// Received WebSocket bytes not decoded yet: decoding stops after a message once reading is
    /// paused or suspended (a compressed read may inflate to far more than the read), and goes
    /// on when it resumes, before anything new is read.
    var heldInput: [UInt8] = []
    /// The deadline of the opening handshake (server: the request head; client: connect, TLS
    /// and the 101), in milliseconds.
    var handshakeTimeoutMilliseconds: Int
    private(set) var isClosed = false
    /// The close code the peer sent, reported to the application when the connection ends.
    var peerCloseCode: CloseCode?
    /// The close code we sent (a failure's 1002/1007/1009, a drain's 1001), if any.
    var sentCloseCode: CloseCode?

    private init(fd: Int32, loop: EventLoop, context: ServerContext, peerHost: String, role: Role, phase: Phase, interest: UInt32,
                 forProbes: Bool = false) {
        self.fd = fd
        self.loop = loop
        self.context = context
        self.peerHost = peerHost
        connectionHost = peerHost
        limiterHost = peerHost
        self.role = role
        self.phase = phase
        self.interest = interest
        holdsLimiterPlace = role == .server
        self.forProbes = forProbes
        phaseStarted = loop.now
        lastActivity = loop.now
        lastReceived = loop.now
        requestParser = HTTPRequestParser(limits: context.httpLimits)
        handshakeTimeoutMilliseconds = context.limits.handshakeTimeoutMilliseconds
    }

    /// An accepted connection (server role), starting in the HTTP phase.
    convenience init(accepted fd: Int32, loop: EventLoop, context: ServerContext, peerHost: String, forProbes: Bool = false) {
        self.init(fd: fd, loop: loop, context: context, peerHost: peerHost, role: .server, phase: .http, interest: EPOLLIN.rawValue,
                  forProbes: forProbes)
    }

    /// An outgoing connection (client role) whose non-blocking connect is in progress; the
    /// socket turning writable means the connect finished.
    convenience init(connecting fd: Int32, loop: EventLoop, context: ServerContext, peerHost: String, handshake: ClientHandshake) {
        self.init(fd: fd, loop: loop, context: context, peerHost: peerHost, role: .client, phase: .connecting, interest: EPOLLOUT.rawValue)
        clientHandshake = handshake
    }

    /// Registers with the loop; from here on the loop owns the connection.
    func start() {
        loop.register(fd, self, events: interest)
        loop.addTimed(self)
        loop.metrics.openConnections += 1
    }

    // MARK: events

    override func handleEvents(_ events: UInt32) {
        // Closed earlier in this batch of events, by the other side of a relay.
        if isClosed { return }
        if phase == .connecting {
            finishConnect()
            return
        }
        if events & EPOLLOUT.rawValue != 0 {
            flush()
            if isClosed { return }
        }
        if events & EPOLLIN.rawValue != 0 {
            readOnce()
        } else if events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 {
            terminate(reason: "socket error")
        }
    }

    /// One read per readiness event (level-triggered): fair to the loop's other sockets.
    private func readOnce() {
        let buffer = loop.receiveBuffer
        let count = read(fd, buffer.baseAddress, buffer.count)
        if count > 0 {
            lastActivity = loop.now
            usedSinceRelease = true
            lastReceived = loop.now
            pingSentAt = nil
            loop.metrics.add(.bytesReceived, count)
            let received = UnsafeMutableRawBufferPointer(rebasing: buffer[..<count])
            receive(received)
            flush()
        } else if count == 0 {
            peerClosedInput()
        } else if errno != EAGAIN && errno != EINTR {
            terminate(reason: "read failed: errno \(errno)")
        }
    }

    /// Bytes from the socket: a PROXY header first where one is awaited, then TLS or plaintext.
    func receive(_ bytes: UnsafeMutableRawBufferPointer) {
        if proxyHeaderWait != nil {
            receiveProxyHeader(bytes)
        } else if let tls {
            receiveSealed(bytes, tls)
        } else {
            process(bytes)
        }
    }

    /// Hands received bytes to the current phase; a phase change mid-buffer passes the rest on.
    func process(_ bytes: UnsafeMutableRawBufferPointer) {
        if !heldInput.isEmpty {
            heldInput.append(contentsOf: bytes)
            return
        }
        switch phase {
        case .http: processHTTP(bytes)
        case .upgrading: heldInput.append(contentsOf: bytes)
        case .clientHandshake: processHandshakeResponse(bytes)
        case .webSocket: processWebSocket(bytes)
        case .draining, .connecting: break
        }
    }

    func peerClosedInput() {
        switch phase {
        case .draining, .http:
            terminate(reason: nil)
        case .upgrading:
            terminate(reason: "closed while its upgrade waited for the back end")
        case .connecting, .clientHandshake:
            handshakeFailure = handshakeFailure ?? .refused("closed during the opening handshake")
            terminate(reason: "closed during the opening handshake")
        case .webSocket:
            // RFC 6455 §7.1.5: TCP closed without a close frame is an abnormal closure (1006).
            loop.metrics.closeReceived(code: nil)
            terminate(reason: closeHandshake.state == .open ? "closed without close frame (1006)" : nil)
        }
    }

    // MARK: output

    /// Writes what is queued; arms EPOLLOUT while something is left; applies backpressure.
    func flush() {
        guard !isClosed else { return }
        if !heldInput.isEmpty && isReadable {
            resumeHeldInput()
            if isClosed { return }
        }
        if let tls { sealOutbound(tls) }
        if wirePending > 0 {
            let (result, written) = tls == nil ? outbound.flush(to: fd) : sealed.flush(to: fd)
            loop.metrics.add(.bytesSent, written)
            // Activity, not liveness: the kernel takes our bytes whether or not the peer is there.
            if written > 0 {
                lastActivity = loop.now
                usedSinceRelease = true
                // A large response in progress: the next request's deadline starts once it is sent.
                if phase == .http && handledRequest { phaseStarted = loop.now }
            }
            if case .failed(let code) = result {
                terminate(reason: code == EPIPE || code == ECONNRESET ? nil : "write failed: errno \(code)")
                return
            }
        }
        if wirePending == 0 && releaseTLSWhenFlushed, let tls {
            releaseTLSWhenFlushed = false
            tls.releaseIdleMemory()
            usedSinceRelease = false
        }
        if wirePending == 0 && outbound.isEmpty && finishAfterFlush {
            finishAfterFlush = false
            beginDraining()
        }
        updateInterest()
    }

    /// Queues a `flush` for the end of the loop's current iteration: a relay that hands this
    /// connection many messages in one read pays for one write.
    func deferFlush() {
        guard !flushDeferred, !isClosed else { return }
        flushDeferred = true
        loop.deferFlush(self)
    }

    /// Stops (true) or resumes (false) reading, for a relay whose other side is backed up.
    func suspendReading(_ suspended: Bool) {
        guard suspended != readingSuspended, !isClosed else { return }
        readingSuspended = suspended
        updateInterest()
        if !suspended && !heldInput.isEmpty { deferFlush() }
    }

    /// Neither our peer's backlog nor a relay partner's stops us from taking input.
    var isReadable: Bool { !readingPaused && !readingSuspended }

    /// Decodes what was held back when reading stopped mid-read.
    private func resumeHeldInput() {
        var held = heldInput
        heldInput = []
        held.withUnsafeMutableBytes { process($0) }
    }

    /// Applies backpressure as soon as a send passes the high-water mark, not only at the next
    /// flush: a relay then stops decoding its other side after the current message.
    func checkBackpressure() {
        if !readingPaused && queuedBytes > context.limits.outboundHighWaterBytes { updateInterest() }
    }

    /// Pauses reading while the peer does not take what we queue for it (docs/style.md §9), and tells
    /// the application, so that a relay can stop reading the other side too.
    private func updateInterest() {
        let pending = queuedBytes
        if !readingPaused && pending > context.limits.outboundHighWaterBytes {
            readingPaused = true
            loop.metrics.add(.backpressurePauses)
            application?.backpressureChanged(self, backedUp: true)
        } else if readingPaused && pending <= context.limits.outboundHighWaterBytes / 2 {
            readingPaused = false
            application?.backpressureChanged(self, backedUp: false)
            if !heldInput.isEmpty { deferFlush() }
        }
        var wanted: UInt32 = isReadable && heldInput.isEmpty ? EPOLLIN.rawValue : 0
        if wirePending > 0 { wanted |= EPOLLOUT.rawValue }
        if wanted != interest {
            interest = wanted
            loop.modify(fd, self, events: wanted)
        }
    }

    /// Bytes waiting for the socket: ciphertext under TLS, else the plaintext itself.
    var wirePending: Int { tls == nil ? outbound.pending : sealed.pending }

    /// Bytes queued for the peer, sealed or not yet (backpressure and per-session bounds).
    var queuedBytes: Int { tls == nil ? outbound.pending : sealed.pending + outbound.pending }

    /// Our side is done: half-close once flushed, then discard input until EOF or the close timeout.
    func beginDraining() {
        if phase != .draining {
            phase = .draining
            phaseStarted = loop.now
        }
        if let tls { sendCloseNotify(tls) }
        shutdown(fd, Int32(SHUT_WR))
    }

    /// Closes the socket now and forgets the connection. `reason` is logged when not nil.
    func terminate(reason: String?) {
        guard !isClosed else { return }
        isClosed = true
        if let reason { Log.debug("connection_closed", ["peer": peerHost, "reason": reason]) }
        if inbound != nil { loop.metrics.openWebSockets -= 1 }
        if let tls, !tls.isHandshakeComplete, role == .server { loop.tlsHandshakesInFlight -= 1 }
        tls = nil
        loop.metrics.openConnections -= 1
        loop.metrics.add(.connectionsClosed)
        loop.connectionClosed()
        loop.removeTimed(self)
        loop.deregister(fd, self)
        close(fd)
        if holdsLimiterPlace { context.limiter.release(limiterHost, probe: forProbes) }
        inbound = nil
        encoder = nil
        let application = self.application
        self.application = nil
        application?.closed(self, code: peerCloseCode)
    }
}
