import CLinux
import LoadgenCore

#if canImport(Glibc)
import Glibc
#endif

/// Fan-out mode (`loadgen --fanout`): N WebSocket sessions wait; an HTTP request makes the server
/// push one event to every one of them; the time until the last session has it is the figure.
///
/// Over 400 lines on purpose: one event loop whose per-session state is private to it (the MARK
/// sections are its phases), like `LoadGenerator`.
///
/// Setup. Without `--agent-user`, each session is ready once upgraded (nio-fanout). With it
/// (Callgate's agent protocol, docs/agent-protocol.md), session 0 logs in (`login`,
/// `selectIdentifier`, `provision`) and the others each send `attach` with the token from the
/// login reply and are ready at the `result` reply. At most `--connect-concurrency` sessions are
/// in setup at once.
///
/// A round. The trigger `POST` goes over a fresh TCP connection (connected before the clock
/// starts); the clock starts just before its request is written. Every session's incoming text
/// messages are scanned for the event name (`AgentMessage`); the round ends when every session has
/// had the event once and the trigger's response is complete. Session 0 acks the event's `seq`
/// (agent mode). With `--hangup`, a second `POST` (`{uniqueid}` taken from the trigger's response)
/// follows and every session must then get the hangup event. Then a pause, and the next round.
/// Warm-up rounds are run and checked like the others but not reported.
///
/// Checks: each session gets each awaited event once per round (a second one, or one outside a
/// round, is `unexpected`); every session's event of a round carries the same `seq` (the
/// round's first one's); a round that does not complete within `--timeout` is counted as
/// incomplete and the run goes on. Plain ws only: the fan-out benchmark has no wss variant.
final class FanoutGenerator {
    enum Phase {
        case login, connecting, pause, awaitingEvent, awaitingHangup, closing, done
    }

    private let options: LoadgenOptions
    private let address: LoopbackAddress
    /// Where session i connects: `addresses[i % addresses.count]` (`address` first).
    private let addresses: [LoopbackAddress]
    private let epoll: Epoll
    private let sessions: UnsafeMutablePointer<FanoutSession>
    private let count: Int
    private let timeoutNanoseconds: UInt64
    private let eventName: [UInt8]
    private let hangupEventName: [UInt8]
    private let agent: Bool
    private var random = FastRandom()

    private var phase = Phase.connecting
    private var phaseDeadline: UInt64 = 0
    private var nextSweep: UInt64 = 0

    // Setup.
    private var nextToConnect = 0
    private var settingUp = 0
    private var readyCount = 0
    private var loginStep = 0
    private var token = ""
    private var nextRequestID = 10

    // The trigger or hangup request in flight: its socket's token is `count`.
    private var httpFD: Int32 = -1
    private var httpBytes: [UInt8] = []
    private var httpResponse: HTTPExchange.Response?
    private var httpWhat = ""

    // The round.
    private var round = -1
    private var roundStart: UInt64 = 0
    private var roundReceived = 0
    private var roundSeq: Int?
    private var seqKnown = false
    private var first: UInt64 = 0
    private var half: UInt64 = 0
    private var last: UInt64 = 0
    private var uniqueID: String?

    private var measureStart: UInt64 = 0
    private var serverTicksAtStart: ProcFiles.CPUTicks?
    private var ownTicksAtStart: ProcFiles.CPUTicks?
    private var otherTicksAtStart: [ProcFiles.CPUTicks] = []
    private var report = FanoutReport()
    private var finishedCount = 0

    private static let httpToken = Int.max

    init(options: LoadgenOptions) throws(LoadgenError) {
        self.options = options
        let address = try LoopbackAddress(host: options.host, port: options.port)
        var addresses = [address]
        for port in options.spreadPorts { addresses.append(try LoopbackAddress(host: options.host, port: port)) }
        self.address = address
        self.addresses = addresses
        self.count = options.connections
        self.timeoutNanoseconds = MonotonicClock.seconds(options.timeout)
        self.eventName = Array(options.event.utf8)
        self.hangupEventName = Array(options.hangupEvent.utf8)
        self.agent = options.agentUser != nil
        self.epoll = try Epoll(capacity: 1024)
        self.sessions = .allocate(capacity: self.count)
        for i in 0..<self.count { (self.sessions + i).initialize(to: FanoutSession()) }
    }

    deinit {
        for i in 0..<self.count {
            if self.sessions[i].fd >= 0 { close(self.sessions[i].fd) }
            self.sessions[i].deallocateBuffers()
        }
        self.sessions.deinitialize(count: self.count)
        self.sessions.deallocate()
        if self.httpFD >= 0 { close(self.httpFD) }
    }

    // MARK: - Running

    func run() throws(LoadgenError) -> FanoutReport {
        self.report.label = self.options.label
        self.report.port = self.options.port
        self.report.path = self.options.path
        self.report.connections = self.count
        self.report.warmupRounds = self.options.warmupRounds
        self.report.rounds = self.options.rounds
        self.report.event = self.options.event
        self.report.ticksPerSecond = ProcReader.ticksPerSecond
        self.report.serverPID = self.options.serverPID
        if let pid = self.options.serverPID { _ = try ProcReader.cpuTicks(pid: pid) }

        let now = MonotonicClock.now()
        if self.agent {
            self.phase = .login
            self.nextToConnect = 1
            self.settingUp = 1
            try self.openSocket(0, now: now)
        }
        while self.phase != .done {
            let now = MonotonicClock.now()
            try self.advancePhase(now: now)
            if self.phase == .done { break }
            if now >= self.nextSweep {
                try self.sweep(now: now)
                self.nextSweep = now + MonotonicClock.seconds(0.1)
            }
            let wakeAt = self.phaseDeadline > now ? min(self.phaseDeadline, self.nextSweep) : self.nextSweep
            var wait = Int32(min((wakeAt - min(wakeAt, now) + 999_999) / 1_000_000, 100))
            if self.phase == .connecting { wait = min(wait, 10) }
            let ready = try self.epoll.wait(timeoutMilliseconds: wait)
            for k in 0..<ready {
                let (token, events) = self.epoll.event(k)
                if token == Self.httpToken {
                    try self.receiveHTTP()
                } else {
                    try self.handle(token, events: events)
                }
            }
        }
        return self.report
    }

    private func advancePhase(now: UInt64) throws(LoadgenError) {
        switch self.phase {
        case .login:
            if self.readyCount == 1 {
                self.phase = .connecting
                self.settingUp = 0
            }
        case .connecting:
            while self.settingUp < self.options.connectConcurrency && self.nextToConnect < self.count {
                let i = self.nextToConnect
                self.nextToConnect += 1
                self.settingUp += 1
                try self.openSocket(i, now: now)
            }
            if self.readyCount == self.count {
                printError("loadgen: \(self.count) sessions ready\(self.agent ? " (1 logged in, \(self.count - 1) attached)" : "")")
                // Let what follows setup (Callgate's `ready` events and any replay) arrive first.
                self.phase = .pause
                self.phaseDeadline = now + MonotonicClock.seconds(max(self.options.roundPause, 1))
            }
        case .pause:
            if now >= self.phaseDeadline {
                if self.round + 1 >= self.options.warmupRounds + self.options.rounds {
                    self.beginClosing(now: now)
                } else {
                    try self.startRound()
                }
            }
        case .awaitingEvent:
            if self.roundReceived == self.count && self.httpResponse != nil {
                if self.measuring {
                    self.report.firstNanoseconds.append(self.first)
                    self.report.halfNanoseconds.append(self.half)
                    self.report.lastNanoseconds.append(self.last)
                }
                try self.endEventStep(now: now)
            } else if now >= self.phaseDeadline {
                self.report.incompleteRounds += 1
                printError(
                    "loadgen: round \(self.roundLabel): \(self.roundReceived) of \(self.count) sessions got \(self.options.event) within \(self.options.timeout) s"
                        + (self.httpResponse == nil ? "; the trigger has no complete response" : ""))
                try self.endEventStep(now: now)
            }
        case .awaitingHangup:
            if self.roundReceived == self.count && self.httpResponse != nil {
                if self.measuring { self.report.hangupLastNanoseconds.append(self.last) }
                self.endRound(now: now)
            } else if now >= self.phaseDeadline {
                self.report.incompleteRounds += 1
                printError(
                    "loadgen: round \(self.roundLabel): \(self.roundReceived) of \(self.count) sessions got \(self.options.hangupEvent) within \(self.options.timeout) s"
                        + (self.httpResponse == nil ? "; the hangup request has no complete response" : ""))
                self.endRound(now: now)
            }
        case .closing:
            if self.finishedCount == self.count {
                self.phase = .done
            } else if now >= self.phaseDeadline {
                for i in 0..<self.count where self.sessions[i].state != .closed {
                    self.report.closeFailures += 1
                    self.finish(i)
                }
                self.phase = .done
            }
        case .done:
            break
        }
    }

    private var measuring: Bool { self.round >= self.options.warmupRounds }
    private var roundLabel: String {
        self.measuring ? "\(self.round - self.options.warmupRounds + 1) of \(self.options.rounds)" : "warm-up \(self.round + 1)"
    }

    private func startRound() throws(LoadgenError) {
        self.round += 1
        for i in 0..<self.count {
            self.sessions[i].hasEvent = false
            self.sessions[i].hasHangupEvent = false
        }
        self.roundReceived = 0
        self.seqKnown = false
        self.roundSeq = nil
        self.uniqueID = nil
        if self.round == self.options.warmupRounds {
            self.serverTicksAtStart = try self.options.serverPID.map { pid throws(LoadgenError) in try ProcReader.cpuTicks(pid: pid) }
            self.ownTicksAtStart = try ProcReader.cpuTicks(pid: nil)
            self.otherTicksAtStart = try self.options.cpuPIDs.map { pid throws(LoadgenError) in try ProcReader.cpuTicks(pid: pid) }
            self.measureStart = MonotonicClock.now()
        }
        self.report.eventsExpected += self.count
        self.phase = .awaitingEvent
        try self.sendHTTP(target: self.options.trigger ?? "/", what: "the trigger")
        self.phaseDeadline = self.roundStart + self.timeoutNanoseconds
    }

    /// The event step is over (complete or timed out): check the trigger's response, then the
    /// hangup step or the pause.
    private func endEventStep(now: UInt64) throws(LoadgenError) {
        guard let response = self.httpResponse else {
            throw .timeout("the trigger POST \(self.options.trigger ?? "/") got no complete response within \(self.options.timeout) s")
        }
        guard let hangup = self.options.hangup else {
            self.endRound(now: now)
            return
        }
        let uniqueID = response.body.withUnsafeBytes { body in
            JSONScanner.member("uniqueid", in: body).flatMap { JSONScanner.string($0, in: body) }
        }
        guard let uniqueID, !uniqueID.isEmpty else {
            throw .protocolViolation(connection: -1, "the trigger's response has no \"uniqueid\" for the hangup: \(response.statusLine) \(response.bodyText.prefix(300).debugDescription)")
        }
        self.uniqueID = uniqueID
        self.roundReceived = 0
        self.seqKnown = false
        self.roundSeq = nil
        self.report.eventsExpected += self.count
        self.phase = .awaitingHangup
        let target = hangup.replacing("{uniqueid}", with: HTTPExchange.percentEncoded(uniqueID))
        try self.sendHTTP(target: target, what: "the hangup")
        self.phaseDeadline = self.roundStart + self.timeoutNanoseconds
    }

    private func endRound(now: UInt64) {
        if self.round == self.options.warmupRounds + self.options.rounds - 1 {
            let end = MonotonicClock.now()
            self.report.measuredSeconds = Double(end - self.measureStart) / 1e9
            if let pid = self.options.serverPID, let start = self.serverTicksAtStart, let end = try? ProcReader.cpuTicks(pid: pid) {
                self.report.serverTicks = ProcFiles.CPUTicks(user: end.user - start.user, system: end.system - start.system)
            }
            if let start = self.ownTicksAtStart, let end = try? ProcReader.cpuTicks(pid: nil) {
                self.report.loadgenTicks = ProcFiles.CPUTicks(user: end.user - start.user, system: end.system - start.system)
            }
            for (pid, start) in zip(self.options.cpuPIDs, self.otherTicksAtStart) {
                if let end = try? ProcReader.cpuTicks(pid: pid) {
                    self.report.otherTicks.append((pid, ProcFiles.CPUTicks(user: end.user - start.user, system: end.system - start.system)))
                }
            }
        }
        self.phase = .pause
        self.phaseDeadline = now + MonotonicClock.seconds(self.options.roundPause)
    }

    /// Fails the run for a session whose setup has taken longer than the timeout.
    private func sweep(now: UInt64) throws(LoadgenError) {
        guard self.phase == .login || self.phase == .connecting else { return }
        for i in 0..<self.nextToConnect where now > self.sessions[i].setupDeadline {
            switch self.sessions[i].state {
            case .connecting:
                throw .unreachable("connecting to \(self.address.display) did not complete within \(self.options.timeout) s")
            case .handshaking:
                throw .handshake(connection: i, "no complete 101 response within \(self.options.timeout) s")
            case .settingUp:
                throw .timeout("session \(i): no reply to request \(self.sessions[i].awaitedReplyID) (\(i == 0 && self.agent ? ["login", "selectIdentifier", "provision"][min(self.loginStep, 2)] : "attach")) within \(self.options.timeout) s")
            default:
                break
            }
        }
    }

    // MARK: - The HTTP requests

    /// Connects (blocking, before the clock starts), then starts the clock and writes the request.
    private func sendHTTP(target: String, what: String) throws(LoadgenError) {
        if self.httpFD >= 0 { close(self.httpFD) }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system("socket", errno: errno) }
        self.httpFD = fd
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var socketAddress = self.address.socketAddress
        let result = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw .unreachable("\(what): connect to \(self.address.display): \(SystemErrno.describe(errno))") }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        self.httpBytes.removeAll(keepingCapacity: true)
        self.httpResponse = nil
        self.httpWhat = "\(what) POST \(target)"
        let request = HTTPExchange.request(method: "POST", target: target, host: self.address.display, authorization: self.options.authorization)
        self.roundStart = MonotonicClock.now()
        let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == request.count else {
            throw .system("send of \(self.httpWhat) (\(sent) of \(request.count) bytes)", errno: errno)
        }
        try self.epoll.add(fd, events: Epoll.readable, token: Self.httpToken)
    }

    private func receiveHTTP() throws(LoadgenError) {
        guard self.httpFD >= 0 else { return }
        var chunk = [UInt8](repeating: 0, count: 4096)
        var endOfStream = false
        let n = chunk.withUnsafeMutableBytes { recv(self.httpFD, $0.baseAddress, $0.count, 0) }
        if n > 0 {
            self.httpBytes.append(contentsOf: chunk[0..<n])
        } else if n == 0 {
            endOfStream = true
        } else {
            let code = errno
            if code == EAGAIN || code == EWOULDBLOCK || code == EINTR { return }
            guard code == ECONNRESET else { throw .system("recv of \(self.httpWhat)", errno: code) }
            endOfStream = true
        }
        switch HTTPExchange.parse(self.httpBytes, endOfStream: endOfStream) {
        case .incomplete:
            return
        case .invalid(let reason):
            throw .protocolViolation(connection: -1, "\(self.httpWhat): \(reason)")
        case .complete(let response):
            guard (200..<300).contains(response.status) else {
                throw .protocolViolation(
                    connection: -1, "\(self.httpWhat) was answered \(response.statusLine): \(response.bodyText.prefix(300).debugDescription)")
            }
            self.httpResponse = response
            close(self.httpFD)
            self.httpFD = -1
        }
    }

    // MARK: - Session setup

    private func openSocket(_ i: Int, now: UInt64) throws(LoadgenError) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            let code = errno
            if code == EMFILE || code == ENFILE {
                throw .usage("out of file descriptors at session \(i): raise `ulimit -n` (\(SystemErrno.describe(code)))")
            }
            throw .system("socket", errno: code)
        }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        if self.options.sourceAddresses > 1 {
            // Spread the sessions over 127.0.0.1 ... 127.0.0.K, so a per-address cap sees N/K each.
            // IP_BIND_ADDRESS_NO_PORT (24, <linux/in.h>): the port is chosen at connect(2), per
            // destination, so K addresses do not each need their own ephemeral port range.
            _ = setsockopt(fd, Int32(IPPROTO_IP), 24, &one, socklen_t(MemoryLayout<Int32>.size))
            var source = sockaddr_in()
            source.sin_family = sa_family_t(AF_INET)
            source.sin_addr.s_addr = (UInt32(0x7F00_0001) + UInt32(i % self.options.sourceAddresses)).bigEndian
            let bound = withUnsafePointer(to: &source) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { throw .system("bind to 127.0.0.\(1 + i % self.options.sourceAddresses)", errno: errno) }
        }
        let session = self.sessions + i
        session.pointee.fd = fd
        session.pointee.state = .connecting
        session.pointee.handshake = ClientHandshake(nonce: FastRandom.nonce())
        session.pointee.setupDeadline = now + self.timeoutNanoseconds
        let target = self.addresses[i % self.addresses.count]
        var socketAddress = target.socketAddress
        let result = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 {
            let code = errno
            guard code == EINPROGRESS else { throw .unreachable("connect to \(target.display): \(SystemErrno.describe(code))") }
        }
        try self.epoll.add(fd, events: Epoll.readableWritable, token: i)
        session.pointee.wantsWritable = true
    }

    private func finishConnect(_ i: Int) throws(LoadgenError) {
        let session = self.sessions + i
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(session.pointee.fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 else {
            throw .system("getsockopt(SO_ERROR)", errno: errno)
        }
        let target = self.addresses[i % self.addresses.count]
        guard error == 0 else { throw .unreachable("connect to \(target.display): \(SystemErrno.describe(error))") }
        let request = session.pointee.handshake!.request(host: target.host, port: Int(UInt16(bigEndian: target.socketAddress.sin_port)), path: self.options.path)
        request.withUnsafeBytes { session.pointee.sendBuffer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        session.pointee.sendStart = 0
        session.pointee.sendEnd = request.count
        session.pointee.state = .handshaking
        try self.flush(i)
    }

    private func processHandshake(_ i: Int) throws(LoadgenError) {
        let session = self.sessions + i
        let response = session.pointee.handshake!.parseResponse(UnsafeRawBufferPointer(start: session.pointee.receiveBuffer, count: session.pointee.receiveCount))
        switch response {
        case .incomplete:
            return
        case .rejected(let reason):
            throw .handshake(connection: i, "upgrade on \(self.options.path): \(reason)")
        case .accepted(let headLength, _):
            self.consume(i, headLength)
            session.pointee.handshake = nil
            if !self.agent {
                self.becomeReady(i)
            } else if i == 0 {
                session.pointee.state = .settingUp
                try self.sendRequest(i, id: 1, AgentRequest.login(id: 1, username: self.options.agentUser!, password: self.options.agentPassword ?? ""))
            } else {
                session.pointee.state = .settingUp
                try self.sendRequest(i, id: 1, AgentRequest.attach(id: 1, lastSeq: 0, token: self.token))
            }
            if session.pointee.receiveCount > 0 { try self.processFrames(i, now: MonotonicClock.now()) }
        }
    }

    private func becomeReady(_ i: Int) {
        self.sessions[i].state = .ready
        self.sessions[i].awaitedReplyID = 0
        self.readyCount += 1
        self.settingUp -= 1
    }

    /// A reply to a setup request: the next login step, or ready.
    private func setupReply(_ i: Int, message: AgentMessage, bytes: UnsafeRawBufferPointer) throws(LoadgenError) {
        let text = String(decoding: bytes.prefix(400), as: UTF8.self)
        if i != 0 {
            guard message.isResult else {
                throw .protocolViolation(connection: i, "attach refused (the token from login was not accepted): \(text)")
            }
            self.becomeReady(i)
            return
        }
        let steps = ["login", "selectIdentifier", "provision"]
        guard message.isResult else {
            throw .protocolViolation(connection: 0, "agent \(steps[self.loginStep]) as \(self.options.agentUser!) refused: \(text)")
        }
        switch self.loginStep {
        case 0:
            let token = JSONScanner.member("result", in: bytes).flatMap { result in
                let inner = UnsafeRawBufferPointer(rebasing: bytes[result])
                return JSONScanner.member("token", in: inner).flatMap { JSONScanner.string($0, in: inner) }
            }
            guard let token, !token.isEmpty else {
                throw .protocolViolation(connection: 0, "the login reply has no result.token: \(text)")
            }
            self.token = token
            self.loginStep = 1
            try self.sendRequest(0, id: 2, AgentRequest.selectIdentifier(id: 2, identifier: self.options.agentIdentifier!))
        case 1:
            self.loginStep = 2
            try self.sendRequest(0, id: 3, AgentRequest.provision(id: 3))
        default:
            self.loginStep = 3
            self.becomeReady(0)
        }
    }

    // MARK: - Events

    @inline(__always)
    private func handle(_ i: Int, events: UInt32) throws(LoadgenError) {
        switch self.sessions[i].state {
        case .connecting:
            try self.finishConnect(i)
        case .handshaking, .settingUp, .ready, .closeSent, .closeReceived:
            if events & EPOLLOUT.rawValue != 0 { try self.flush(i) }
            if events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
                try self.receive(i)
            }
        case .unused, .closed:
            break
        }
    }

    /// One recv(2) per readiness event (epoll is level-triggered).
    private func receive(_ i: Int) throws(LoadgenError) {
        let session = self.sessions + i
        let space = session.pointee.receiveCapacity - session.pointee.receiveCount
        guard space > 0 else {
            throw .protocolViolation(connection: i, "\(session.pointee.receiveCapacity) bytes arrived without forming a complete frame")
        }
        let n = recv(session.pointee.fd, session.pointee.receiveBuffer + session.pointee.receiveCount, space, 0)
        if n <= 0 {
            if n < 0 {
                let code = errno
                if code == EAGAIN || code == EWOULDBLOCK || code == EINTR { return }
                guard code == ECONNRESET else { throw .system("recv on session \(i)", errno: code) }
            }
            try self.peerClosed(i, reset: n < 0)
            return
        }
        let now = MonotonicClock.now()
        session.pointee.receiveCount += n
        if session.pointee.state == .handshaking {
            try self.processHandshake(i)
        } else {
            try self.processFrames(i, now: now)
        }
    }

    private func peerClosed(_ i: Int, reset: Bool) throws(LoadgenError) {
        switch self.sessions[i].state {
        case .closeReceived:
            self.finish(i)
        case .closeSent:
            self.report.closeFailures += 1
            self.finish(i)
        case .handshaking:
            let session = self.sessions + i
            let received = String(decoding: UnsafeRawBufferPointer(start: session.pointee.receiveBuffer, count: min(session.pointee.receiveCount, 300)), as: UTF8.self)
            throw .handshake(connection: i, "server \(reset ? "reset" : "closed") the connection before a complete 101 (received: \(received.debugDescription))")
        default:
            throw .protocolViolation(connection: i, "server \(reset ? "reset" : "closed") the TCP connection (\(self.sessions[i].state), round \(self.round + 1))")
        }
    }

    private func finish(_ i: Int) {
        let session = self.sessions + i
        if session.pointee.fd >= 0 {
            close(session.pointee.fd)
            session.pointee.fd = -1
        }
        session.pointee.state = .closed
        self.finishedCount += 1
    }

    // MARK: - Frames

    private func processFrames(_ i: Int, now: UInt64) throws(LoadgenError) {
        let session = self.sessions + i
        var offset = 0
        while session.pointee.state != .closed {
            let available = session.pointee.receiveCount - offset
            let start = session.pointee.receiveBuffer + offset
            let parse = ServerFrameHeader.parse(UnsafeRawBufferPointer(start: start, count: available), maxPayload: session.pointee.receiveCapacity - 14)
            guard case .frame(let header) = parse else {
                if case .invalid(let reason) = parse { throw .protocolViolation(connection: i, reason) }
                break
            }
            let frameLength = header.headerLength + header.payloadLength
            guard available >= frameLength else { break }
            try self.handleFrame(i, header: header, payload: UnsafeRawBufferPointer(start: start + header.headerLength, count: header.payloadLength), now: now)
            offset += frameLength
        }
        if offset > 0 && session.pointee.state != .closed { self.consume(i, offset) }
    }

    @inline(__always)
    private func consume(_ i: Int, _ byteCount: Int) {
        let session = self.sessions + i
        let remaining = session.pointee.receiveCount - byteCount
        if remaining > 0 { memmove(session.pointee.receiveBuffer, session.pointee.receiveBuffer + byteCount, remaining) }
        session.pointee.receiveCount = remaining
    }

    private func handleFrame(_ i: Int, header: ServerFrameHeader, payload: UnsafeRawBufferPointer, now: UInt64) throws(LoadgenError) {
        let session = self.sessions + i
        switch header.opcode {
        case .text, .binary:
            guard !session.pointee.fragmented else {
                throw .protocolViolation(connection: i, "a new \(header.opcode) frame began inside a fragmented message (RFC 6455 §5.4)")
            }
            // A fragmented message is judged by its first frame, where the event name is.
            session.pointee.fragmented = !header.fin
            try self.handleMessage(i, payload, now: now)
        case .continuation:
            guard session.pointee.fragmented else {
                throw .protocolViolation(connection: i, "continuation frame with no fragmented message open (RFC 6455 §5.4)")
            }
            if header.fin { session.pointee.fragmented = false }
        case .ping:
            // RFC 6455 §5.5.2: answer a Ping with a Pong carrying the same data.
            if session.pointee.state == .ready || session.pointee.state == .settingUp {
                try self.queueFrame(i, opcode: .pong, payload: payload)
            }
        case .pong:
            break
        case .close:
            if session.pointee.state == .closeSent {
                session.pointee.state = .closeReceived
                return
            }
            var detail = "no status code"
            if payload.count >= 2 {
                let code = UInt16(payload[0]) << 8 | UInt16(payload[1])
                let reason = String(decoding: payload[2...], as: UTF8.self)
                detail = "code \(code)" + (reason.isEmpty ? "" : ", reason \(reason.debugDescription)")
            }
            throw .protocolViolation(connection: i, "server sent Close (\(detail)) in state \(session.pointee.state), round \(self.round + 1)")
        default:
            throw .protocolViolation(connection: i, "reserved opcode \(header.opcode)")
        }
    }

    @inline(__always)
    private func handleMessage(_ i: Int, _ payload: UnsafeRawBufferPointer, now: UInt64) throws(LoadgenError) {
        let session = self.sessions + i
        let message = AgentMessage.scan(payload)
        if message.isReply {
            if session.pointee.state == .settingUp, message.replyID == session.pointee.awaitedReplyID {
                try self.setupReply(i, message: message, bytes: payload)
            } else if message.isError {
                self.report.errorReplies += 1
                if self.report.errorReplies <= 3 {
                    printError("loadgen: session \(i) got an error reply: \(String(decoding: payload.prefix(300), as: UTF8.self))")
                }
            }
            return
        }
        guard session.pointee.state == .ready else { return }
        if message.isEvent(self.eventName, in: payload) {
            guard self.phase == .awaitingEvent, !session.pointee.hasEvent else {
                self.report.eventsUnexpected += 1
                return
            }
            session.pointee.hasEvent = true
            if self.report.eventBytes == nil { self.report.eventBytes = payload.count }
            self.arrived(seq: message.seq, now: now)
            if self.agent && i == 0, let seq = message.seq {
                let id = self.nextRequestID
                self.nextRequestID += 1
                try self.sendRequest(0, id: 0, AgentRequest.ack(id: id, seq: seq))
            }
        } else if self.options.hangup != nil && message.isEvent(self.hangupEventName, in: payload) {
            guard self.phase == .awaitingHangup, !session.pointee.hasHangupEvent else {
                self.report.eventsUnexpected += 1
                return
            }
            session.pointee.hasHangupEvent = true
            self.arrived(seq: message.seq, now: now)
        }
    }

    /// Counts one session's awaited event of this step and notes the first, median and last times.
    @inline(__always)
    private func arrived(seq: Int?, now: UInt64) {
        self.roundReceived += 1
        self.report.eventsReceived += 1
        if !self.seqKnown {
            self.seqKnown = true
            self.roundSeq = seq
        } else if seq != self.roundSeq {
            self.report.seqMismatches += 1
        }
        let elapsed = now &- self.roundStart
        if self.roundReceived == 1 { self.first = elapsed }
        if self.roundReceived == (self.count + 1) / 2 { self.half = elapsed }
        if self.roundReceived == self.count { self.last = elapsed }
    }

    // MARK: - Sending

    /// Sends one text message; `id` > 0 makes the session wait for its reply.
    private func sendRequest(_ i: Int, id: Int, _ text: [UInt8]) throws(LoadgenError) {
        if id > 0 {
            self.sessions[i].awaitedReplyID = id
            self.sessions[i].setupDeadline = MonotonicClock.now() + self.timeoutNanoseconds
        }
        // Array.withUnsafeBytes rethrows untyped errors, so the typed one is carried out as a value.
        let failure: LoadgenError? = text.withUnsafeBytes { bytes in
            do throws(LoadgenError) {
                try self.queueFrame(i, opcode: .text, payload: bytes)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    private func queueFrame(_ i: Int, opcode: Opcode, payload: UnsafeRawBufferPointer) throws(LoadgenError) {
        let session = self.sessions + i
        guard session.pointee.sendEnd + ClientFrameEncoder.headerLength(payloadLength: payload.count) + payload.count <= session.pointee.sendCapacity else {
            throw .protocolViolation(connection: i, "the server stopped reading: no room to queue a \(opcode) frame of \(payload.count) bytes")
        }
        session.pointee.sendEnd += ClientFrameEncoder.write(
            opcode: opcode, payload: payload, maskKey: self.random.maskKey(), to: session.pointee.sendBuffer + session.pointee.sendEnd)
        try self.flush(i)
    }

    private func beginClosing(now: UInt64) {
        self.phase = .closing
        self.phaseDeadline = now + MonotonicClock.seconds(max(2, Double(self.count) / 1000))
        for i in 0..<self.count {
            guard self.sessions[i].state == .ready else {
                if self.sessions[i].state != .closed { self.finish(i) }
                continue
            }
            // RFC 6455 §5.5.1: Close with 1000; the server answers and closes TCP first (§7.1.1).
            let normalClosure: (UInt8, UInt8) = (0x03, 0xE8)
            do throws(LoadgenError) {
                try withUnsafeBytes(of: normalClosure) { bytes throws(LoadgenError) in try self.queueFrame(i, opcode: .close, payload: bytes) }
                if self.sessions[i].state == .ready { self.sessions[i].state = .closeSent }
            } catch {
                self.report.closeFailures += 1
                self.finish(i)
            }
        }
    }

    /// Sends what is pending; registers for EPOLLOUT only while the socket buffer is full.
    private func flush(_ i: Int) throws(LoadgenError) {
        let session = self.sessions + i
        while session.pointee.sendStart < session.pointee.sendEnd {
            let n = send(session.pointee.fd, session.pointee.sendBuffer + session.pointee.sendStart, session.pointee.sendEnd - session.pointee.sendStart, Int32(MSG_NOSIGNAL))
            if n > 0 {
                session.pointee.sendStart += n
                continue
            }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK {
                if !session.pointee.wantsWritable {
                    try self.epoll.modify(session.pointee.fd, events: Epoll.readableWritable, token: i)
                    session.pointee.wantsWritable = true
                }
                return
            }
            if self.phase == .closing {
                self.report.closeFailures += 1
                self.finish(i)
                return
            }
            throw .protocolViolation(connection: i, "send failed: \(SystemErrno.describe(code))")
        }
        session.pointee.sendStart = 0
        session.pointee.sendEnd = 0
        if session.pointee.wantsWritable {
            try self.epoll.modify(session.pointee.fd, events: Epoll.readable, token: i)
            session.pointee.wantsWritable = false
        }
    }
}
