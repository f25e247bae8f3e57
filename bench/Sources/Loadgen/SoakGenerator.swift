import CLinux
import LoadgenCore

#if canImport(Glibc)
import Glibc
#endif

/// Soak mode (`loadgen --soak`, bench/README.md "Soak"): thousands of connections held for minutes
/// under a mixed load, with the server's RSS and open files sampled throughout.
///
/// The connections: agent tabs on `--agent-path` (Callgate's agent protocol,
/// docs/agent-protocol.md), `--tabs-per-user` per user, the first logging in and pairing the
/// user's phone, the others attaching with its token; and echo connections on `--echo-path`, each
/// sending a JSON text message every `--echo-interval` seconds on average and checking the echo
/// byte for byte. Every upgrade offers permessage-deflate as Chromium does.
///
/// The load: each user gets a call through the admin API every `--call-interval` seconds on
/// average; every tab acks `callRinging`, the first to see it answers, and `--talk` seconds after
/// `callConnect` the caller hangs up. Churn closes `--churn` of the connections per second (1001,
/// as a page being reloaded) and reopens them at once; a tab then `attach`es with the last `seq`
/// it processed. Every tab checks that its per-user events arrive in `seq` order without gaps.
///
/// The phases (`SoakReport.Phase`): before → setup → warm-up → loaded (judged) → drain (no new
/// calls or echoes; those in progress finish; then every tab must have its user's last `seq`) →
/// closing (1000 on every connection) → settle. Errors are counted by kind and the run goes on:
/// a connection that failed is reopened a second later.
final class SoakGenerator {
    let options: SoakOptions
    let address: LoopbackAddress
    let epoll: Epoll
    let slots: UnsafeMutablePointer<SoakSlot>
    let count: Int
    var users: [SoakUser] = []
    let timeoutNanoseconds: UInt64
    var random = FastRandom()
    var timers = TimerHeap<SoakTimer>()
    var report = SoakReport()

    var phase = SoakReport.Phase.before
    var start: UInt64 = 0
    var loadStart: UInt64 = 0
    var phaseDeadline: UInt64 = 0
    var nextSample: UInt64 = 0
    var nextChurn: UInt64 = 0
    var churnOwed = 0.0
    /// Drain: every call and echo is done; the final check runs at this time.
    var quietSince: UInt64?

    /// Slots waiting for a connect, first in first out; `connectHead` is the next one.
    var connectQueue: [Int] = []
    var connectHead = 0
    var settingUp = 0
    var openCount = 0
    /// Sockets open to the server (WebSockets in any state, admin requests).
    var socketCount = 0

    var admin: [AdminExchange]
    var adminQueue: [AdminRequest] = []
    var adminHead = 0

    /// Decompressed messages, and compressed ones before framing.
    let inflated: UnsafeMutableRawPointer
    let compressed: UnsafeMutableRawPointer
    static let compressedCapacity = SoakOptions.maxMessage + 1024

    var serverTicksAtStart: ProcFiles.CPUTicks?
    var ownTicksAtStart: ProcFiles.CPUTicks?
    /// For each sample: the server's CPU since the previous one, and this loop's longest pause.
    var lastSampleAt: UInt64 = 0
    var lastSampleTicks: ProcFiles.CPUTicks?
    var maxLag: UInt64 = 0
    let echoLatency = LatencyHistogram()
    let adminLatency = LatencyHistogram()
    let ringingLatency = LatencyHistogram()
    let connectLatency = LatencyHistogram()
    let hangupLatency = LatencyHistogram()

    init(options: SoakOptions) throws(LoadgenError) {
        self.options = options
        self.address = try LoopbackAddress(host: options.host, port: options.port)
        self.count = options.connections
        self.timeoutNanoseconds = MonotonicClock.seconds(options.timeout)
        self.epoll = try Epoll(capacity: 4096)
        self.slots = .allocate(capacity: self.count)
        // Tabs first, each user's consecutive; then the echo connections.
        let tabs = options.tabs
        for u in 0..<options.users {
            self.users.append(SoakUser(name: "\(options.userPrefix)\(u + 1)", firstSlot: u * options.tabsPerUser, tabCount: options.tabsPerUser))
        }
        for i in 0..<self.count {
            let user = i < tabs ? Int32(i / options.tabsPerUser) : -1
            (self.slots + i).initialize(to: SoakSlot(user: user, maxEchoSize: options.echoMaxSize))
        }
        self.admin = Array(repeating: AdminExchange(), count: options.adminConcurrency)
        self.inflated = .allocate(byteCount: SoakOptions.maxMessage, alignment: 16)
        self.compressed = .allocate(byteCount: Self.compressedCapacity, alignment: 16)
    }

    deinit {
        for i in 0..<self.count {
            if self.slots[i].fd >= 0 { close(self.slots[i].fd) }
            self.slots[i].deallocateBuffers()
        }
        self.slots.deinitialize(count: self.count)
        self.slots.deallocate()
        for exchange in self.admin where exchange.fd >= 0 { close(exchange.fd) }
        self.inflated.deallocate()
        self.compressed.deallocate()
    }

    var adminTokenBase: Int { self.count }

    // MARK: - Running

    func run() throws(LoadgenError) -> SoakReport {
        self.report.label = self.options.label
        self.report.connections = self.count
        self.report.tabs = self.options.tabs
        self.report.users = self.options.users
        self.report.durationSeconds = self.options.duration
        self.report.warmupSeconds = self.options.warmup
        self.report.settleSeconds = self.options.settle
        self.report.churnPerSecond = self.options.churn
        self.report.deflateOffered = self.options.offerDeflate
        self.report.rssBandPercent = self.options.rssBandPercent
        self.report.fdBandPercent = self.options.fdBandPercent
        self.report.returnedPercent = self.options.returnedPercent
        self.serverTicksAtStart = try ProcReader.cpuTicks(pid: self.options.serverPID)
        self.ownTicksAtStart = try ProcReader.cpuTicks(pid: nil)

        self.start = MonotonicClock.now()
        self.lastSampleAt = self.start
        self.lastSampleTicks = self.serverTicksAtStart
        try self.sample(now: self.start)
        self.enterSetup(now: self.start)
        var previous = self.start
        while self.phase != .settle || MonotonicClock.now() < self.phaseDeadline {
            let now = MonotonicClock.now()
            if now - previous > MonotonicClock.seconds(1) {
                self.note("the load generator's loop paused \(RunReport.fixed(Double(now - previous) / 1e9, 1)) s (starved of CPU?)", now: now)
            }
            self.maxLag = max(self.maxLag, now - previous)
            previous = now
            // Timers run after the previous turn has read every ready socket, so that a deadline
            // is never judged on a reply that has arrived but was not read yet.
            try self.advancePhase(now: now)
            self.fireTimers(now: now)
            try self.startConnects(now: now)
            if self.phase != .closing && self.phase != .settle { self.startAdminRequests(now: now) }
            if now >= self.nextChurn {
                self.churn(now: now)
                self.nextChurn = now + MonotonicClock.seconds(0.1)
            }
            if now >= self.nextSample {
                try self.sample(now: now)
            }
            var wakeAt = min(self.nextSample, self.nextChurn, now + MonotonicClock.seconds(0.1))
            if let deadline = self.timers.nextDeadline { wakeAt = min(wakeAt, deadline) }
            let wait = Int32((wakeAt - min(wakeAt, now) + 999_999) / 1_000_000)
            var ready = try self.epoll.wait(timeoutMilliseconds: wait)
            var batches = 0
            while true {
                for k in 0..<ready {
                    let (token, events) = self.epoll.event(k)
                    if token >= self.adminTokenBase {
                        self.handleAdmin(token - self.adminTokenBase, events: events)
                    } else {
                        self.handle(token, events: events)
                    }
                }
                batches += 1
                guard ready == self.epoll.capacity && batches < 16 else { break }
                ready = try self.epoll.wait(timeoutMilliseconds: 0)
            }
        }
        try self.sample(now: MonotonicClock.now())
        self.report.latencies = [
            SoakReport.Latency(name: "echo", self.echoLatency), SoakReport.Latency(name: "admin", self.adminLatency),
            SoakReport.Latency(name: "ringing", self.ringingLatency), SoakReport.Latency(name: "connect", self.connectLatency),
            SoakReport.Latency(name: "hangup", self.hangupLatency),
        ].filter { $0.count > 0 }
        if let start = self.serverTicksAtStart, let end = try? ProcReader.cpuTicks(pid: self.options.serverPID) {
            self.report.serverCPUSeconds = Double(end.total - start.total) / Double(ProcReader.ticksPerSecond)
        }
        if let start = self.ownTicksAtStart, let end = try? ProcReader.cpuTicks(pid: nil) {
            self.report.loadgenCPUSeconds = Double(end.total - start.total) / Double(ProcReader.ticksPerSecond)
        }
        return self.report
    }

    func seconds(_ now: UInt64) -> Double { Double(now &- self.start) / 1e9 }

    func note(_ text: String, now: UInt64) {
        printError("loadgen: [\(RunReport.fixed(self.seconds(now), 1)) s] \(text)")
    }

    /// Counts an error; the first few of each kind are printed.
    func error(_ kind: SoakError, _ text: @autoclosure () -> String) {
        let message = text()
        if self.report.errors.record(kind, message) {
            self.note("error \(kind.rawValue): \(message)", now: MonotonicClock.now())
        }
    }

    // MARK: - Phases

    private func enterSetup(now: UInt64) {
        self.phase = .setup
        self.phaseDeadline = now + MonotonicClock.seconds(self.options.setupTimeout)
        // Each user's first tab logs in; its other tabs are queued once it is ready. Echo
        // connections are interleaved with the first tabs.
        var echo = self.options.tabs
        for user in self.users {
            self.connectQueue.append(user.firstSlot)
            if echo < self.count {
                self.connectQueue.append(echo)
                echo += 1
            }
        }
        self.connectQueue.append(contentsOf: echo..<self.count)
        self.note("setup: \(self.count) connections (\(self.options.tabs) agent tabs of \(self.users.count) users, \(self.count - self.options.tabs) echo)", now: now)
    }

    private func advancePhase(now: UInt64) throws(LoadgenError) {
        switch self.phase {
        case .before, .settle:
            break
        case .setup:
            if self.openCount == self.count {
                self.report.setupSeconds = self.seconds(now)
                self.phase = .warmup
                self.loadStart = now
                self.phaseDeadline = now + MonotonicClock.seconds(self.options.warmup)
                self.note("all \(self.count) connections open after \(RunReport.fixed(self.report.setupSeconds, 1)) s: load starts, warm-up \(RunReport.fixed(self.options.warmup, 0)) s", now: now)
                self.startLoad(now: now)
            } else if now >= self.phaseDeadline {
                throw .timeout("setup: \(self.openCount) of \(self.count) connections open after \(self.options.setupTimeout) s (errors: \(self.report.errors.summary))")
            }
        case .warmup:
            if now >= self.phaseDeadline {
                self.phase = .loaded
                self.phaseDeadline = self.loadStart + MonotonicClock.seconds(self.options.duration)
                self.note("warm-up over: judged from here", now: now)
                try self.sample(now: now)
            }
        case .loaded:
            if now >= self.phaseDeadline {
                self.phase = .drain
                self.phaseDeadline = now + 3 * self.timeoutNanoseconds + MonotonicClock.seconds(self.options.talk * 1.5)
                self.note("load over: draining (no new calls or echoes)", now: now)
            }
        case .drain:
            if let quietSince = self.quietSince {
                // One more second for events still on their way, then every tab must be up to date.
                if now >= quietSince + MonotonicClock.seconds(1) { self.finishDrain(now: now) }
            } else if self.isQuiet() {
                self.quietSince = now
            } else if now >= self.phaseDeadline {
                self.note("drain: not quiet after the deadline (\(self.busySummary()))", now: now)
                self.finishDrain(now: now)
            }
        case .closing:
            if self.socketCount == 0 || now >= self.phaseDeadline {
                for i in 0..<self.count where self.slots[i].fd >= 0 {
                    self.error(.closeUnclean, "slot \(i): close not complete in state \(self.slots[i].state)")
                    self.drop(i)
                }
                self.phase = .settle
                self.phaseDeadline = now + MonotonicClock.seconds(self.options.settle)
                self.note("every connection closed: settling \(RunReport.fixed(self.options.settle, 0)) s", now: now)
                try self.sample(now: now)
            }
        }
    }

    /// Starts the echo and call timers, spread over their first interval.
    private func startLoad(now: UInt64) {
        for i in self.options.tabs..<self.count {
            self.schedule(.echoSend, i, generation: self.slots[i].generation, at: now + self.spread(self.options.echoInterval))
        }
        for u in 0..<self.users.count {
            self.schedule(.callStart, u, generation: self.users[u].generation, at: now + self.spread(self.options.callInterval))
        }
    }

    /// Every call idle, no echo awaited, every connection open, no admin request pending.
    private func isQuiet() -> Bool {
        self.users.allSatisfy { $0.call == .idle && $0.adminPending == 0 } && self.openCount == self.count && self.adminHead == self.adminQueue.count
            && self.admin.allSatisfy { $0.fd < 0 } && !(0..<self.count).contains { self.slots[$0].awaitingEcho || self.slots[$0].requestsInFlight > 0 }
    }

    private func busySummary() -> String {
        let calls = self.users.filter { $0.call != .idle || $0.adminPending > 0 }.count
        let echoes = (0..<self.count).filter { self.slots[$0].awaitingEcho }.count
        return "\(calls) calls in progress, \(echoes) echoes awaited, \(self.count - self.openCount) connections not open, \(self.adminQueue.count - self.adminHead) admin requests queued"
    }

    /// The final check (every tab has its user's last `seq`), then the close of every connection.
    private func finishDrain(now: UInt64) {
        for user in self.users {
            let tabs = user.firstSlot..<user.firstSlot + user.tabCount
            let last = tabs.map { self.slots[$0].events.last }.max() ?? 0
            for i in tabs where self.slots[i].events.last < last {
                self.error(.tabBehind, "\(user.name) tab \(i - user.firstSlot): last seq \(self.slots[i].events.last), another tab has \(last)")
            }
        }
        self.phase = .closing
        self.phaseDeadline = now + MonotonicClock.seconds(max(self.options.timeout, Double(self.count) / 1000))
        self.abandonAdmin()
        self.note("closing every connection (1000)", now: now)
        for i in 0..<self.count {
            if self.slots[i].state == .open {
                self.beginClose(i, code: 1000, reconnect: false)
            } else if self.slots[i].fd >= 0 {
                self.drop(i)
            }
        }
    }

    // MARK: - Timers

    func schedule(_ kind: SoakTimer.Kind, _ index: Int, generation: UInt32, at deadline: UInt64) {
        self.timers.schedule(at: deadline, SoakTimer(kind: kind, index: Int32(index), generation: generation))
    }

    /// `base` × 0.5 … 1.5: the wait between two echoes or two calls.
    func jittered(_ base: Double) -> UInt64 {
        MonotonicClock.seconds(base * (0.5 + self.unitRandom()))
    }

    /// `base` × 0 … 1: the first wait, so that the connections do not start in step.
    func spread(_ base: Double) -> UInt64 {
        MonotonicClock.seconds(base * self.unitRandom())
    }

    func unitRandom() -> Double { Double(self.random.next() >> 11) / Double(1 << 53) }

    private func fireTimers(now: UInt64) {
        while let timer = self.timers.popDue(now: now) {
            let t = timer.payload
            let i = Int(t.index)
            switch t.kind {
            case .echoSend:
                if t.generation == self.slots[i].generation { self.sendEcho(i, now: now) }
            case .echoDeadline:
                if t.generation == self.slots[i].generation, self.slots[i].awaitingEcho,
                    t.serial == UInt32(truncatingIfNeeded: self.slots[i].echoSequence)
                {
                    self.error(.echoTimeout, "slot \(i): no echo of message \(self.slots[i].echoSequence) (\(self.slots[i].echoLength) B) within \(self.options.timeout) s")
                    self.fail(i, now: now)
                }
            case .setupDeadline:
                if t.generation == self.slots[i].generation, [.connecting, .handshaking, .settingUp].contains(self.slots[i].state) {
                    self.error(.setupTimeout, "slot \(i): still \(self.slots[i].state) after \(self.options.timeout) s\(self.slots[i].state == .settingUp ? " (\(self.slots[i].setupStep))" : "")")
                    self.fail(i, now: now)
                }
            case .closeDeadline:
                if t.generation == self.slots[i].generation, self.slots[i].state == .closeSent || self.slots[i].state == .closeReceived {
                    self.error(.closeUnclean, "slot \(i): close handshake not complete within \(self.options.timeout) s (\(self.slots[i].state))")
                    self.finishClose(i, now: now)
                }
            case .reconnect:
                if t.generation == self.slots[i].generation, self.slots[i].state == .down, self.phase != .closing, self.phase != .settle {
                    self.connectQueue.append(i)
                }
            case .callStart, .callDeadline, .hangup:
                if t.generation == self.users[i].generation { self.callTimer(t.kind, user: i, now: now) }
            case .adminDeadline:
                if t.generation == self.admin[i].generation, self.admin[i].fd >= 0 {
                    self.adminFailed(i, "no complete response within \(self.options.timeout) s", now: now)
                }
            }
        }
    }
}
