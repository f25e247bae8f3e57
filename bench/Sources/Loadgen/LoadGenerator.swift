import CLinux
import LoadgenCore

#if canImport(Glibc)
import Glibc
#endif

/// The load generator: one thread, one level-triggered epoll, non-blocking sockets.
///
/// Over 400 lines on purpose: one event loop whose per-connection state is private to it (the
/// MARK sections are its phases); splitting it into files would make that state internal.
///
/// Echo mode: every connection sends one masked message, waits for its echo, verifies it byte for
/// byte, and sends the next (closed loop). Messages whose echo completes inside the measured
/// window are counted and their send→echo times recorded; at the window's edges the server's
/// utime and stime are read from /proc/PID/stat. After the window no new message is sent, every
/// outstanding echo must still arrive, and each connection is closed with the RFC 6455 close
/// handshake.
///
/// Idle mode: the connections are opened and left alone for `settle` seconds; the server's VmRSS
/// is read before the first connect and after the settle; then each connection echoes one message
/// (to show it is really alive) and is closed.
///
/// Handshake mode: each of `connections` slots connects, completes the TLS handshake (wss) and the
/// WebSocket upgrade, then closes with the RFC 6455 close handshake (Close 1000, the server's
/// Close, the server's FIN) and starts over, for warm-up plus the window. Upgrades completed in the
/// window are counted, with their connect→101 times.
///
/// wss: TLS sits between the socket and the buffers, in `receive` and `flush`, through `TLSStream`.
final class LoadGenerator {
    enum Phase {
        case connecting, warmup, measuring, draining, settling, liveness, closing, done
    }

    private let options: LoadgenOptions
    private let address: LoopbackAddress
    private let epoll: Epoll
    private let connections: UnsafeMutablePointer<Connection>
    private let count: Int
    private let size: Int
    private let opcode: Opcode
    private let maxServerFrame: Int
    private let timeoutNanoseconds: UInt64
    /// How long the close handshakes at the end may take: 2 s, or 1 ms per connection when there
    /// are more than 2000 (15,000 wss connections closing at once take several seconds).
    private let closeGraceNanoseconds: UInt64
    private let sweepIntervalNanoseconds = MonotonicClock.seconds(0.1)

    private let tlsContext: TLSClientContext?
    private let handshakeMode: Bool

    private let histogram = LatencyHistogram()
    private var random = FastRandom()
    private var phase = Phase.connecting
    private var phaseDeadline: UInt64 = 0
    private var nextSweep: UInt64 = 0

    private var nextToConnect = 0
    private var settingUp = 0
    private var openCount = 0
    private var finishedCount = 0
    private var outstanding = 0
    private var totalSent: UInt64 = 0
    private var totalEchoed: UInt64 = 0
    private var measured: UInt64 = 0
    private var measuredResumed: UInt64 = 0
    private var totalUpgrades: UInt64 = 0
    private var totalResumed: UInt64 = 0
    private var tlsParameters: TLSParameters?
    /// Handshake mode: slots with a connection in some stage, and finished slots to start again.
    private var inFlight = 0
    /// `--in-flight` > 1 without `--send-each`: one write per read for the echoes' successors.
    private let batchesRefills: Bool
    private var restartQueue: [Int] = []

    private var windowStart: UInt64 = 0
    private var serverTicksAtStart: ProcFiles.CPUTicks?
    private var ownTicksAtStart: ProcFiles.CPUTicks?
    private var report = RunReport()

    init(options: LoadgenOptions) throws(LoadgenError) {
        self.options = options
        self.address = try LoopbackAddress(host: options.host, port: options.port)
        self.count = options.probe ? 1 : options.connections
        self.size = options.size
        self.opcode = options.text ? .text : .binary
        self.maxServerFrame = max(options.size, 125)
        self.timeoutNanoseconds = MonotonicClock.seconds(options.timeout)
        self.closeGraceNanoseconds = MonotonicClock.seconds(max(2, Double(self.count) / 1000))
        self.epoll = try Epoll(capacity: min(max(self.count, 16), 1024))
        self.tlsContext = options.tls ? try TLSClientContext(releaseBuffers: options.idle) : nil
        self.handshakeMode = options.handshakes
        self.batchesRefills = options.inFlight > 1 && !options.sendEach
        self.restartQueue.reserveCapacity(self.count)
        self.connections = .allocate(capacity: self.count)
        for i in 0..<self.count {
            (self.connections + i).initialize(to: Connection(index: i, payloadSize: options.size, depth: options.inFlight))
        }
    }

    deinit {
        for i in 0..<self.count {
            let connection = self.connections + i
            connection.pointee.tls?.free()
            connection.pointee.session?.free()
            if connection.pointee.fd >= 0 { close(connection.pointee.fd) }
            connection.pointee.deallocateBuffers()
        }
        self.connections.deinitialize(count: self.count)
        self.connections.deallocate()
    }

    // MARK: - Running

    func run() throws(LoadgenError) -> RunReport {
        self.report.label = self.options.label
        self.report.mode = self.options.idle ? .idle : self.handshakeMode ? .handshakes : .echo
        self.report.tls = self.options.tls
        self.report.resumeOffered = self.options.resume
        self.report.port = self.options.port
        self.report.path = self.options.path
        self.report.connections = self.count
        self.report.size = self.size
        self.report.inFlight = options.inFlight
        self.report.opcode = self.opcode
        self.report.warmupSeconds = self.options.idle ? 0 : self.options.warmup
        self.report.ticksPerSecond = ProcReader.ticksPerSecond
        self.report.serverPID = self.options.serverPID
        self.report.loadgenCPUs = ProcReader.allowedCPUs(pid: nil)
        if let pid = self.options.serverPID {
            _ = try ProcReader.cpuTicks(pid: pid)
            self.report.serverCPUs = ProcReader.allowedCPUs(pid: pid)
            if self.options.idle { self.report.rssBeforeBytes = try ProcReader.residentBytes(pid: pid) }
        }

        let start = MonotonicClock.now()
        let setupRounds = Double((self.count + self.options.connectConcurrency - 1) / self.options.connectConcurrency + 1)
        let budget = setupRounds * self.options.timeout + self.options.warmup + self.options.duration + self.options.settle
            + self.options.timeout + Double(self.closeGraceNanoseconds) / 1e9 + 5
        let hardDeadline = start + MonotonicClock.seconds(budget)

        while self.phase != .done {
            let now = MonotonicClock.now()
            guard now < hardDeadline else {
                throw .timeout("the run went past its \(Int(budget)) s budget in phase \(self.phase)")
            }
            try self.advancePhase(now: now)
            if self.phase == .done { break }
            if now >= self.nextSweep {
                try self.sweep(now: now)
                self.nextSweep = now + self.sweepIntervalNanoseconds
            }
            // Sleep until the phase deadline or the next sweep, whichever is first (no deadline while connecting).
            let wakeAt = self.phaseDeadline > now ? min(self.phaseDeadline, self.nextSweep) : self.nextSweep
            let waitMilliseconds = Int32(min((wakeAt - min(wakeAt, now) + 999_999) / 1_000_000, 100))
            let ready = try self.epoll.wait(timeoutMilliseconds: self.phase == .connecting ? min(waitMilliseconds, 10) : waitMilliseconds)
            for k in 0..<ready {
                let (token, events) = self.epoll.event(k)
                try self.handle(token, events: events)
            }
        }

        if self.options.idle, let pid = self.options.serverPID {
            self.report.rssAfterCloseBytes = try? ProcReader.residentBytes(pid: pid)
        }
        self.report.totalSent = self.totalSent
        self.report.totalEchoed = self.totalEchoed
        self.report.totalUpgrades = self.totalUpgrades
        self.report.totalResumed = self.totalResumed
        self.report.tlsParameters = self.tlsParameters
        return self.report
    }

    private func advancePhase(now: UInt64) throws(LoadgenError) {
        switch self.phase {
        case .connecting where self.handshakeMode:
            for i in 0..<self.count { try self.openSocket(i, now: now) }
            self.phase = .warmup
            self.phaseDeadline = now + MonotonicClock.seconds(self.options.warmup)
        case .connecting:
            try self.startConnections(now: now)
            if self.openCount == self.count {
                if self.options.probe {
                    try self.beginClosing(now: now)
                } else if self.options.idle {
                    self.phase = .settling
                    self.phaseDeadline = now + MonotonicClock.seconds(self.options.settle)
                } else {
                    self.phase = .warmup
                    self.phaseDeadline = now + MonotonicClock.seconds(self.options.warmup)
                    for i in 0..<self.count { try self.sendMessages(i) }
                }
            }
        case .warmup:
            try self.restartSlots(now: now)
            if now >= self.phaseDeadline { try self.startWindow() }
        case .measuring:
            try self.restartSlots(now: now)
            if now >= self.phaseDeadline {
                try self.endWindow()
                self.phase = .draining
                // Handshake mode: a slot may be anywhere in its cycle, the close included.
                self.phaseDeadline = MonotonicClock.now() + self.timeoutNanoseconds + (self.handshakeMode ? self.closeGraceNanoseconds : 0)
            }
        case .draining where self.handshakeMode:
            // Slots that finish now stay closed; the ones mid-handshake complete it and close.
            self.restartQueue.removeAll(keepingCapacity: true)
            if self.inFlight == 0 {
                self.phase = .done
            } else if now >= self.phaseDeadline {
                throw .timeout("\(self.inFlight) of \(self.count) slots did not finish their last handshake and close in time")
            }
        case .draining, .liveness:
            if self.outstanding == 0 {
                try self.beginClosing(now: now)
            } else if now >= self.phaseDeadline {
                throw .timeout("\(self.outstanding) of \(self.count) connections got no echo of their last message within \(self.options.timeout) s")
            }
        case .settling:
            if now >= self.phaseDeadline, let pid = self.options.serverPID {
                self.report.rssAfterBytes = try ProcReader.residentBytes(pid: pid)
                self.phase = .liveness
                self.phaseDeadline = now + self.timeoutNanoseconds
                for i in 0..<self.count { try self.sendMessages(i) }
            }
        case .closing:
            if self.finishedCount == self.count {
                self.phase = .done
            } else if now >= self.phaseDeadline {
                for i in 0..<self.count where self.connections[i].state != .closed {
                    self.report.closeFailures += 1
                    self.finish(i)
                }
                self.phase = .done
            }
        case .done:
            break
        }
    }

    private func startWindow() throws(LoadgenError) {
        self.histogram.reset()
        self.measured = 0
        self.measuredResumed = 0
        self.serverTicksAtStart = try self.options.serverPID.map { pid throws(LoadgenError) in try ProcReader.cpuTicks(pid: pid) }
        self.ownTicksAtStart = try ProcReader.cpuTicks(pid: nil)
        self.windowStart = MonotonicClock.now()
        self.phase = .measuring
        self.phaseDeadline = self.windowStart + MonotonicClock.seconds(self.options.duration)
    }

    private func endWindow() throws(LoadgenError) {
        let windowEnd = MonotonicClock.now()
        if let pid = self.options.serverPID, let start = self.serverTicksAtStart {
            let end = try ProcReader.cpuTicks(pid: pid)
            self.report.serverTicks = ProcFiles.CPUTicks(user: end.user - start.user, system: end.system - start.system)
        }
        if let start = self.ownTicksAtStart {
            let end = try ProcReader.cpuTicks(pid: nil)
            self.report.loadgenTicks = ProcFiles.CPUTicks(user: end.user - start.user, system: end.system - start.system)
        }
        self.report.durationSeconds = Double(windowEnd - self.windowStart) / 1e9
        self.report.messages = self.measured
        if self.report.mode == .echo && self.count > 0 {
            let counts = (0..<self.count).map { self.connections[$0].measuredEchoes }
            self.report.fewestPerConnection = counts.min()
            self.report.mostPerConnection = counts.max()
        }
        self.report.resumed = self.measuredResumed
        self.report.p50Nanoseconds = self.histogram.value(atQuantile: 0.5)
        self.report.p99Nanoseconds = self.histogram.value(atQuantile: 0.99)
        self.report.p999Nanoseconds = self.histogram.value(atQuantile: 0.999)
        self.report.maxNanoseconds = self.histogram.max
        self.report.meanNanoseconds = self.histogram.mean
    }

    /// Fails the run if a connection has waited longer than the timeout for its setup or an echo.
    private func sweep(now: UInt64) throws(LoadgenError) {
        switch self.phase {
        case .connecting:
            for i in 0..<self.nextToConnect where now > self.connections[i].setupDeadline {
                try self.checkSetupDeadline(i)
            }
        case .warmup, .measuring, .draining:
            guard self.handshakeMode else {
                guard self.phase != .draining else { return }
                // An echo sent after `now` was read (a slow turn) has waited nothing yet: no underflow.
                for i in 0..<self.count where self.connections[i].awaitingEcho && now > self.connections[i].oldestSentAt
                    && now - self.connections[i].oldestSentAt > self.timeoutNanoseconds {
                    throw .timeout("connection \(i) got no echo of message #\(self.connections[i].oldestSequence) within \(self.options.timeout) s")
                }
                return
            }
            for i in 0..<self.count {
                switch self.connections[i].state {
                case .connecting, .tlsHandshaking, .handshaking:
                    if now > self.connections[i].setupDeadline { try self.checkSetupDeadline(i) }
                case .closeSent, .closeReceived:
                    if now > self.connections[i].closeDeadline {
                        self.report.closeFailures += 1
                        self.finish(i)
                    }
                default:
                    break
                }
            }
        default:
            break
        }
    }

    /// Fails the run for a connection whose setup deadline has passed.
    private func checkSetupDeadline(_ i: Int) throws(LoadgenError) {
        switch self.connections[i].state {
        case .connecting:
            throw .unreachable("connecting to \(self.address.display) did not complete within \(self.options.timeout) s")
        case .tlsHandshaking:
            throw .handshake(connection: i, "no complete TLS handshake within \(self.options.timeout) s")
        case .handshaking:
            throw .handshake(connection: i, "no complete 101 response within \(self.options.timeout) s")
        default:
            break
        }
    }

    // MARK: - Connection setup

    /// Handshake mode: starts a new connection on every slot that finished since the last look.
    private func restartSlots(now: UInt64) throws(LoadgenError) {
        while let i = self.restartQueue.popLast() {
            try self.openSocket(i, now: now)
        }
    }

    private func startConnections(now: UInt64) throws(LoadgenError) {
        while self.settingUp < self.options.connectConcurrency && self.nextToConnect < self.count {
            let i = self.nextToConnect
            self.nextToConnect += 1
            self.settingUp += 1
            try self.openSocket(i, now: now)
        }
    }

    private func openSocket(_ i: Int, now: UInt64) throws(LoadgenError) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            let code = errno
            if code == EMFILE || code == ENFILE {
                throw .usage("out of file descriptors at connection \(i): raise `ulimit -n` (\(SystemErrno.describe(code)))")
            }
            throw .system("socket", errno: code)
        }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))

        let connection = self.connections + i
        connection.pointee.fd = fd
        connection.pointee.state = .connecting
        connection.pointee.handshake = ClientHandshake(nonce: FastRandom.nonce())
        connection.pointee.setupDeadline = now + self.timeoutNanoseconds
        connection.pointee.connectStartedAt = MonotonicClock.now()
        connection.pointee.sendStart = 0
        connection.pointee.sendEnd = 0
        connection.pointee.receiveCount = 0
        connection.pointee.wantsWritable = false
        connection.pointee.tlsInputClosed = false
        if self.handshakeMode { self.inFlight += 1 }

        var socketAddress = self.address.socketAddress
        let result = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 {
            let code = errno
            guard code == EINPROGRESS else {
                throw .unreachable("connect to \(self.address.display): \(SystemErrno.describe(code))")
            }
        }
        // Writable means connected (or failed: SO_ERROR says which).
        try self.epoll.add(fd, events: Epoll.readableWritable, token: i)
        connection.pointee.wantsWritable = true
    }

    private func finishConnect(_ i: Int) throws(LoadgenError) {
        let connection = self.connections + i
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(connection.pointee.fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 else {
            throw .system("getsockopt(SO_ERROR)", errno: errno)
        }
        guard error == 0 else {
            throw .unreachable("connect to \(self.address.display): \(SystemErrno.describe(error))")
        }
        if let context = self.tlsContext {
            do throws(LoadgenError) {
                connection.pointee.tls = try TLSStream(context: context, fd: connection.pointee.fd, session: connection.pointee.session)
            } catch .tls(_, let message) {
                throw .tls(connection: i, message)
            }
            connection.pointee.state = .tlsHandshaking
            try self.continueTLSHandshake(i)
        } else {
            try self.sendUpgradeRequest(i)
        }
    }

    /// Drives the TLS handshake one step; once it is complete, sends the upgrade request over it.
    private func continueTLSHandshake(_ i: Int) throws(LoadgenError) {
        let connection = self.connections + i
        guard let tls = connection.pointee.tls else { return }
        switch tls.handshake() {
        case .done:
            if self.tlsParameters == nil {
                let parameters = tls.parameters()
                // RFC 7301 §3.2: the server picks one of the offered protocols, or none.
                if let alpn = parameters.alpn, alpn != TLSClientContext.alpn {
                    throw .tls(connection: i, "the server selected ALPN '\(alpn)'; only '\(TLSClientContext.alpn)' was offered")
                }
                self.tlsParameters = parameters
            }
            try self.sendUpgradeRequest(i)
        case .wantRead:
            try self.setWritableInterest(i, false)
        case .wantWrite:
            try self.setWritableInterest(i, true)
        case .closed(let reset):
            throw .handshake(connection: i, "server \(reset ? "reset" : "closed") the connection during the TLS handshake")
        case .failed(let message):
            throw .tls(connection: i, "handshake: \(message)")
        }
    }

    private func setWritableInterest(_ i: Int, _ writable: Bool) throws(LoadgenError) {
        let connection = self.connections + i
        guard connection.pointee.wantsWritable != writable else { return }
        try self.epoll.modify(connection.pointee.fd, events: writable ? Epoll.readableWritable : Epoll.readable, token: i)
        connection.pointee.wantsWritable = writable
    }

    private func sendUpgradeRequest(_ i: Int) throws(LoadgenError) {
        let connection = self.connections + i
        let request = connection.pointee.handshake!.request(host: self.address.host, port: self.options.port, path: self.options.path)
        request.withUnsafeBytes { connection.pointee.sendBuffer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        connection.pointee.sendStart = 0
        connection.pointee.sendEnd = request.count
        connection.pointee.state = .handshaking
        try self.flush(i)
    }

    private func processHandshake(_ i: Int) throws(LoadgenError) {
        let connection = self.connections + i
        let response = connection.pointee.handshake!.parseResponse(
            UnsafeRawBufferPointer(start: connection.pointee.receiveBuffer, count: connection.pointee.receiveCount)
        )
        switch response {
        case .incomplete:
            return
        case .rejected(let reason):
            throw .handshake(connection: i, reason)
        case .accepted(let headLength, _):
            self.consume(i, headLength)
            connection.pointee.state = .open
            connection.pointee.handshake = nil
            self.totalUpgrades += 1
            let resumed = connection.pointee.tls?.resumed ?? false
            if resumed { self.totalResumed += 1 }
            if self.handshakeMode {
                if self.phase == .measuring {
                    self.histogram.record(MonotonicClock.now() &- connection.pointee.connectStartedAt)
                    self.measured += 1
                    if resumed { self.measuredResumed += 1 }
                }
                // This slot's cycle ends with the close handshake; `finish` starts the next one.
                try self.sendClose(i)
                connection.pointee.closeDeadline = MonotonicClock.now() + self.timeoutNanoseconds
                if connection.pointee.state != .closed && connection.pointee.receiveCount > 0 { try self.processFrames(i) }
                return
            }
            self.settingUp -= 1
            self.openCount += 1
            if connection.pointee.receiveCount > 0 { try self.processFrames(i) }
        }
    }

    // MARK: - Events

    @inline(__always)
    private func handle(_ i: Int, events: UInt32) throws(LoadgenError) {
        switch self.connections[i].state {
        case .connecting:
            try self.finishConnect(i)
        case .tlsHandshaking:
            try self.continueTLSHandshake(i)
        case .handshaking, .open, .closeSent, .closeReceived:
            let writable = events & EPOLLOUT.rawValue != 0
            let tls = self.connections[i].tls != nil
            // Over TLS a write may wait for readability (SSL_ERROR_WANT_READ), and a read for writability.
            if writable || (tls && self.connections[i].sendStart < self.connections[i].sendEnd) { try self.flush(i) }
            if events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 || (tls && writable) {
                try self.receive(i)
            }
        case .unused, .closed:
            break
        }
    }

    /// Plain: one recv(2) per readiness event (epoll is level-triggered). TLS: SSL_read again while
    /// OpenSSL holds bytes it has taken from the socket but not yet returned, which epoll no longer
    /// reports.
    private func receive(_ i: Int) throws(LoadgenError) {
        let connection = self.connections + i
        while connection.pointee.state != .closed {
            if connection.pointee.tlsInputClosed {
                try self.awaitEndOfStream(i)
                return
            }
            let space = connection.pointee.receiveCapacity - connection.pointee.receiveCount
            guard space > 0 else {
                throw .protocolViolation(connection: i, "\(connection.pointee.receiveCapacity) bytes arrived without forming the expected frames")
            }
            let buffer = connection.pointee.receiveBuffer + connection.pointee.receiveCount
            if let tls = connection.pointee.tls {
                switch tls.read(into: buffer, count: space) {
                case .done(let n):
                    connection.pointee.receiveCount += n
                case .wantRead:
                    return
                case .wantWrite:
                    try self.setWritableInterest(i, true)
                    return
                case .closed(reset: false) where connection.pointee.state == .closeReceived:
                    // RFC 8446 §6.1: answer the server's close_notify with ours. A server may wait
                    // for it before it closes TCP (NIOSSL does, up to its shutdown timeout).
                    tls.shutdown()
                    connection.pointee.tlsInputClosed = true
                    continue
                case .closed(let reset):
                    try self.peerClosed(i, reset: reset)
                    return
                case .failed(let message):
                    throw .tls(connection: i, "after \(connection.pointee.sequence) message(s): \(message)")
                }
            } else {
                let n = recv(connection.pointee.fd, buffer, space, 0)
                if n == 0 {
                    try self.peerClosed(i, reset: false)
                    return
                } else if n < 0 {
                    let code = errno
                    if code == EAGAIN || code == EWOULDBLOCK || code == EINTR { return }
                    guard code == ECONNRESET else { throw .system("recv on connection \(i)", errno: code) }
                    try self.peerClosed(i, reset: true)
                    return
                }
                connection.pointee.receiveCount += n
            }
            if connection.pointee.state == .handshaking {
                try self.processHandshake(i)
            } else {
                try self.processFrames(i)
            }
            // Plain, or OpenSSL holds nothing more: epoll reports whatever is left in the socket.
            guard let tls = connection.pointee.tls, tls.hasPendingInput else { return }
        }
    }

    /// wss, after close_notify both ways: reads the socket raw until the server's FIN. Anything
    /// else that arrives is discarded.
    private func awaitEndOfStream(_ i: Int) throws(LoadgenError) {
        let connection = self.connections + i
        while true {
            let n = recv(connection.pointee.fd, connection.pointee.receiveBuffer, connection.pointee.receiveCapacity, 0)
            if n > 0 { continue }
            if n == 0 {
                try self.peerClosed(i, reset: false)
                return
            }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return }
            try self.peerClosed(i, reset: true)
            return
        }
    }

    /// The server closed TCP (or reset it).
    private func peerClosed(_ i: Int, reset: Bool) throws(LoadgenError) {
        let connection = self.connections + i
        switch connection.pointee.state {
        case .closeReceived:
            // RFC 6455 §7.1.1: after the Close exchange, the server closes TCP first. Done.
            self.finish(i)
        case .closeSent:
            // TCP went away without the server's Close frame.
            self.report.closeFailures += 1
            self.finish(i)
        case .tlsHandshaking:
            throw .handshake(connection: i, "server \(reset ? "reset" : "closed") the connection during the TLS handshake")
        case .handshaking:
            let received = String(decoding: UnsafeRawBufferPointer(start: connection.pointee.receiveBuffer, count: min(connection.pointee.receiveCount, 200)), as: UTF8.self)
            throw .handshake(connection: i, "server \(reset ? "reset" : "closed") the connection before a complete 101 (received: \(received.debugDescription))")
        default:
            throw .protocolViolation(connection: i, "server \(reset ? "reset" : "closed") the TCP connection after \(connection.pointee.sequence) message(s) on it")
        }
    }

    private func finish(_ i: Int) {
        let connection = self.connections + i
        if let tls = connection.pointee.tls {
            // Asked last, so every NewSessionTicket the server sent has been read.
            if self.options.resume, let session = tls.resumableSession() {
                connection.pointee.session?.free()
                connection.pointee.session = session
            }
            tls.free()
            connection.pointee.tls = nil
        }
        connection.pointee.tlsInputClosed = false
        if connection.pointee.fd >= 0 {
            close(connection.pointee.fd)
            connection.pointee.fd = -1
        }
        connection.pointee.state = .closed
        self.finishedCount += 1
        if self.handshakeMode {
            self.inFlight -= 1
            if self.phase == .warmup || self.phase == .measuring { self.restartQueue.append(i) }
        }
    }

    // MARK: - Frames

    private func processFrames(_ i: Int) throws(LoadgenError) {
        let connection = self.connections + i
        var offset = 0
        while true {
            let available = connection.pointee.receiveCount - offset
            let start = connection.pointee.receiveBuffer + offset
            let parse = ServerFrameHeader.parse(UnsafeRawBufferPointer(start: start, count: available), maxPayload: self.maxServerFrame)
            guard case .frame(let header) = parse else {
                if case .invalid(let reason) = parse { throw .protocolViolation(connection: i, reason) }
                break
            }
            let frameLength = header.headerLength + header.payloadLength
            guard available >= frameLength else { break }
            try self.handleFrame(i, header: header, payload: UnsafeRawPointer(start + header.headerLength))
            offset += frameLength
        }
        if offset > 0 { self.consume(i, offset) }
        // Pipelined (`--in-flight` > 1): the successors of every echo this read completed leave
        // in one write, as a pipelining client sends them (each timed from when it was queued).
        if self.batchesRefills && connection.pointee.state == .open
            && connection.pointee.sendStart < connection.pointee.sendEnd {
            try self.flush(i)
        }
    }

    @inline(__always)
    private func consume(_ i: Int, _ byteCount: Int) {
        let connection = self.connections + i
        let remaining = connection.pointee.receiveCount - byteCount
        if remaining > 0 {
            memmove(connection.pointee.receiveBuffer, connection.pointee.receiveBuffer + byteCount, remaining)
        }
        connection.pointee.receiveCount = remaining
    }

    private func handleFrame(_ i: Int, header: ServerFrameHeader, payload: UnsafeRawPointer) throws(LoadgenError) {
        let connection = self.connections + i
        switch header.opcode {
        case .binary, .text:
            guard connection.pointee.awaitingEcho, !connection.pointee.echoFragmented else {
                throw .protocolViolation(
                    connection: i,
                    connection.pointee.awaitingEcho
                        ? "a new \(header.opcode) frame began inside a fragmented echo"
                        : "unexpected \(header.opcode) message of \(header.payloadLength) bytes with no message in flight"
                )
            }
            guard header.opcode == self.opcode else {
                throw .protocolViolation(connection: i, "the echo came back as \(header.opcode); \(self.opcode) was sent")
            }
            try self.verifyEcho(i, payload: payload, length: header.payloadLength)
            if header.fin {
                try self.completeEcho(i)
            } else {
                connection.pointee.echoFragmented = true
            }
        case .continuation:
            guard connection.pointee.awaitingEcho, connection.pointee.echoFragmented else {
                throw .protocolViolation(connection: i, "continuation frame with no fragmented message open (RFC 6455 §5.4)")
            }
            try self.verifyEcho(i, payload: payload, length: header.payloadLength)
            if header.fin { try self.completeEcho(i) }
        case .ping:
            // RFC 6455 §5.5.2: answer a Ping with a Pong carrying the same data.
            if connection.pointee.state == .open {
                try self.queueControlFrame(i, opcode: .pong, payload: UnsafeRawBufferPointer(start: payload, count: header.payloadLength))
            }
        case .pong:
            break
        case .close:
            try self.receivedClose(i, payload: UnsafeRawBufferPointer(start: payload, count: header.payloadLength))
        default:
            throw .protocolViolation(connection: i, "reserved opcode \(header.opcode)")
        }
    }

    @inline(__always)
    private func verifyEcho(_ i: Int, payload: UnsafeRawPointer, length: Int) throws(LoadgenError) {
        let connection = self.connections + i
        let offset = connection.pointee.echoOffset
        guard offset + length <= self.size else {
            throw .protocolViolation(connection: i, "the echo of message #\(connection.pointee.oldestSequence) is longer than the \(self.size) bytes sent")
        }
        let expected = connection.pointee.oldestPayload
        if length > 0 && memcmp(payload, expected + offset, length) != 0 {
            var at = 0
            while payload.load(fromByteOffset: at, as: UInt8.self) == expected.load(fromByteOffset: offset + at, as: UInt8.self) {
                at += 1
            }
            let got = payload.load(fromByteOffset: at, as: UInt8.self)
            let sent = expected.load(fromByteOffset: offset + at, as: UInt8.self)
            throw .protocolViolation(
                connection: i,
                "the echo of message #\(connection.pointee.oldestSequence) differs at byte \(offset + at): got 0x\(String(got, radix: 16)), sent 0x\(String(sent, radix: 16))"
            )
        }
        connection.pointee.echoOffset = offset + length
    }

    @inline(__always)
    private func completeEcho(_ i: Int) throws(LoadgenError) {
        let connection = self.connections + i
        guard connection.pointee.echoOffset == self.size else {
            throw .protocolViolation(connection: i, "the echo of message #\(connection.pointee.oldestSequence) has \(connection.pointee.echoOffset) bytes; \(self.size) were sent")
        }
        let now = MonotonicClock.now()
        let sentAt = connection.pointee.oldestSentAt
        connection.pointee.pending -= 1
        connection.pointee.echoFragmented = false
        connection.pointee.echoOffset = 0
        self.outstanding -= 1
        self.totalEchoed += 1
        switch self.phase {
        case .measuring:
            self.histogram.record(now &- sentAt)
            connection.pointee.measuredEchoes += 1
            self.measured += 1
            try self.sendMessage(i, flush: !self.batchesRefills)
        case .warmup:
            try self.sendMessage(i, flush: !self.batchesRefills)
        default:
            break
        }
    }

    /// RFC 6455 §5.5.1: a Close answering ours ends the exchange; any other Close from the server
    /// in the middle of a run is a failure.
    private func receivedClose(_ i: Int, payload: UnsafeRawBufferPointer) throws(LoadgenError) {
        let connection = self.connections + i
        if connection.pointee.state == .closeSent {
            connection.pointee.state = .closeReceived
            return
        }
        var detail = "no status code"
        if payload.count >= 2 {
            let code = UInt16(payload[0]) << 8 | UInt16(payload[1])
            let reason = String(decoding: payload[2...], as: UTF8.self)
            detail = "code \(code)" + (reason.isEmpty ? "" : ", reason \(reason.debugDescription)")
        }
        throw .protocolViolation(connection: i, "server sent Close (\(detail)) after \(connection.pointee.sequence) message(s)")
    }

    // MARK: - Sending

    /// Fills connection `i`'s window: `--in-flight` messages, in one write.
    private func sendMessages(_ i: Int) throws(LoadgenError) {
        for _ in 0..<self.connections[i].depth { try self.sendMessage(i, flush: false) }
        try self.flush(i)
    }

    @inline(__always)
    private func sendMessage(_ i: Int, flush: Bool = true) throws(LoadgenError) {
        let connection = self.connections + i
        let slot = connection.pointee.nextSlot
        connection.pointee.stampNextPayload(size: self.size)
        guard connection.pointee.sendEnd + self.size + ClientFrameEncoder.maxHeaderLength <= connection.pointee.sendCapacity else {
            throw .protocolViolation(connection: i, "the server stopped reading: the send buffer is full")
        }
        let written = ClientFrameEncoder.write(
            opcode: self.opcode,
            payload: UnsafeRawBufferPointer(start: connection.pointee.payloads + slot * connection.pointee.slotSize, count: self.size),
            maskKey: self.random.maskKey(),
            to: connection.pointee.sendBuffer + connection.pointee.sendEnd
        )
        connection.pointee.sendEnd += written
        if connection.pointee.pending == 0 {
            connection.pointee.echoOffset = 0
            connection.pointee.echoFragmented = false
        }
        connection.pointee.pending += 1
        self.outstanding += 1
        self.totalSent += 1
        connection.pointee.sentTimes[slot] = MonotonicClock.now()
        if flush { try self.flush(i) }
    }

    private func queueControlFrame(_ i: Int, opcode: Opcode, payload: UnsafeRawBufferPointer) throws(LoadgenError) {
        let connection = self.connections + i
        guard connection.pointee.sendEnd + 6 + payload.count <= connection.pointee.sendCapacity else {
            throw .protocolViolation(connection: i, "the server stopped reading: no room to queue a \(opcode) frame")
        }
        let written = ClientFrameEncoder.write(
            opcode: opcode,
            payload: payload,
            maskKey: self.random.maskKey(),
            to: connection.pointee.sendBuffer + connection.pointee.sendEnd
        )
        connection.pointee.sendEnd += written
        try self.flush(i)
    }

    private func beginClosing(now: UInt64) throws(LoadgenError) {
        self.phase = .closing
        self.phaseDeadline = now + self.closeGraceNanoseconds
        for i in 0..<self.count where self.connections[i].state == .open {
            try self.sendClose(i)
        }
    }

    /// RFC 6455 §5.5.1 and §7.4.1: Close with 1000 (normal closure); the server answers with its
    /// Close and then closes TCP first (§7.1.1).
    private func sendClose(_ i: Int) throws(LoadgenError) {
        let normalClosure: (UInt8, UInt8) = (0x03, 0xE8)
        try withUnsafeBytes(of: normalClosure) { bytes throws(LoadgenError) in
            try self.queueControlFrame(i, opcode: .close, payload: bytes)
        }
        if self.connections[i].state == .open { self.connections[i].state = .closeSent }
    }

    /// Sends what is pending; registers for EPOLLOUT only while the socket buffer is full.
    @inline(__always)
    private func flush(_ i: Int) throws(LoadgenError) {
        let connection = self.connections + i
        while connection.pointee.sendStart < connection.pointee.sendEnd {
            let pending = connection.pointee.sendBuffer + connection.pointee.sendStart
            let pendingCount = connection.pointee.sendEnd - connection.pointee.sendStart
            let failure: String
            if let tls = connection.pointee.tls {
                switch tls.write(from: pending, count: pendingCount) {
                case .done(let n):
                    connection.pointee.sendStart += n
                    continue
                case .wantWrite:
                    try self.setWritableInterest(i, true)
                    return
                case .wantRead:
                    // Retried on the next readable event (`handle` flushes whatever is pending).
                    return
                case .closed(let reset):
                    failure = reset ? "the server reset the connection" : "the server closed the connection"
                case .failed(let message):
                    failure = "TLS: " + message
                }
            } else {
                let n = send(connection.pointee.fd, pending, pendingCount, Int32(MSG_NOSIGNAL))
                if n > 0 {
                    connection.pointee.sendStart += n
                    continue
                }
                let code = errno
                if code == EINTR { continue }
                if code == EAGAIN || code == EWOULDBLOCK {
                    try self.setWritableInterest(i, true)
                    return
                }
                failure = SystemErrno.describe(code)
            }
            if self.phase == .closing {
                self.report.closeFailures += 1
                self.finish(i)
                return
            }
            throw .protocolViolation(connection: i, "send failed after \(connection.pointee.sequence) message(s): \(failure)")
        }
        connection.pointee.sendStart = 0
        connection.pointee.sendEnd = 0
        if connection.pointee.wantsWritable {
            try self.epoll.modify(connection.pointee.fd, events: Epoll.readable, token: i)
            connection.pointee.wantsWritable = false
        }
    }
}
