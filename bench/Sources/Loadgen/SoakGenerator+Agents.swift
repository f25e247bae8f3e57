import LoadgenCore

#if canImport(Glibc)
import Glibc
#endif

/// The soak's agent tabs (docs/agent-protocol.md) and their users' calls (docs/admin-api.md).
extension SoakGenerator {
    /// Event names the tabs act on.
    static let callRinging = Array("callRinging".utf8)
    static let callConnect = Array("callConnect".utf8)
    static let callHangup = Array("callHangup".utf8)
    static let readyEvent = Array("ready".utf8)

    /// A tab id kept across the slot's reconnects (§4 "Tab id"), as `operator.js` keeps one.
    func tabID(_ i: Int) -> String { "soak-tab-\(i)" }

    // MARK: - Setup

    /// After the upgrade: the user's first login (`login`, `selectIdentifier`, `provision`), or
    /// `attach` with the token and the last `seq` this tab processed.
    func beginTabSetup(_ i: Int, now: UInt64) {
        let slot = self.slots + i
        let user = self.users[Int(slot.pointee.user)]
        self.setState(i, .settingUp)
        if let token = user.token {
            slot.pointee.setupStep = .attach
            self.sendSetupRequest(i, AgentRequest.attach(id: 1, lastSeq: slot.pointee.events.last, token: token, tab: self.tabID(i)), id: 1, now: now)
        } else {
            slot.pointee.setupStep = .login
            self.sendSetupRequest(i, AgentRequest.login(id: 1, username: user.name, password: self.options.agentPassword, tab: self.tabID(i)), id: 1, now: now)
        }
    }

    private func sendSetupRequest(_ i: Int, _ request: [UInt8], id: Int, now: UInt64) {
        self.slots[i].awaitedReplyID = id
        self.schedule(.setupDeadline, i, generation: self.slots[i].generation, at: now + self.timeoutNanoseconds)
        self.sendText(i, request, now: now)
    }

    /// A request whose reply is not waited for (ack, answer): counted until it comes.
    private func sendRequest(_ i: Int, _ make: (Int) -> [UInt8], now: UInt64) {
        let slot = self.slots + i
        let id = slot.pointee.nextRequestID
        slot.pointee.nextRequestID += 1
        slot.pointee.requestsInFlight += 1
        self.sendText(i, make(id), now: now)
    }

    private func setupReply(_ i: Int, _ message: AgentMessage, _ bytes: UnsafeRawBufferPointer, now: UInt64) {
        let slot = self.slots + i
        let u = Int(slot.pointee.user)
        let text = String(decoding: bytes.prefix(300), as: UTF8.self)
        slot.pointee.awaitedReplyID = 0
        guard message.isResult else {
            self.error(slot.pointee.setupStep == .attach ? .attachRefused : .loginRefused, "\(self.users[u].name) tab \(i - self.users[u].firstSlot): \(slot.pointee.setupStep) refused: \(text)")
            self.fail(i, now: now)
            return
        }
        switch slot.pointee.setupStep {
        case .login:
            let token = AgentMessage.value(at: ["result", "token"], in: bytes).flatMap { JSONScanner.string($0, in: bytes) }
            guard let token, !token.isEmpty else {
                self.error(.loginRefused, "\(self.users[u].name): the login reply has no result.token: \(text)")
                self.fail(i, now: now)
                return
            }
            self.users[u].token = token
            slot.pointee.setupStep = .selectIdentifier
            self.sendSetupRequest(i, AgentRequest.selectIdentifier(id: 2, identifier: "\(self.users[u].name)-phone"), id: 2, now: now)
        case .selectIdentifier:
            slot.pointee.setupStep = .provision
            self.sendSetupRequest(i, AgentRequest.provision(id: 3), id: 3, now: now)
        case .provision:
            self.tabReady(i, now: now)
        case .attach:
            guard let result = AgentMessage.attachResult(bytes) else {
                self.error(.attachRefused, "\(self.users[u].name): the attach reply has no result.lastSeq/complete: \(text)")
                self.fail(i, now: now)
                return
            }
            if !result.complete {
                self.error(.attachIncomplete, "\(self.users[u].name) tab \(i - self.users[u].firstSlot): attach with lastSeq \(slot.pointee.events.last) answered complete:false (user's lastSeq \(result.lastSeq))")
            }
            self.tabReady(i, now: now)
        }
    }

    private func tabReady(_ i: Int, now: UInt64) {
        let u = Int(self.slots[i].user)
        self.becomeOpen(i, now: now)
        if !self.users[u].followersQueued {
            self.users[u].followersQueued = true
            let first = self.users[u].firstSlot
            self.connectQueue.append(contentsOf: first + 1 ..< first + self.users[u].tabCount)
        }
    }

    // MARK: - Messages

    func tabMessage(_ i: Int, _ bytes: UnsafeRawBufferPointer, now: UInt64) {
        let slot = self.slots + i
        let u = Int(slot.pointee.user)
        let message = AgentMessage.scan(bytes)
        if message.isReply {
            if slot.pointee.state == .settingUp && message.replyID == slot.pointee.awaitedReplyID {
                self.setupReply(i, message, bytes, now: now)
                return
            }
            if let id = message.replyID, id >= 10, slot.pointee.requestsInFlight > 0 { slot.pointee.requestsInFlight -= 1 }
            if message.isError {
                self.error(.errorReply, "\(self.users[u].name) tab \(i - self.users[u].firstSlot): \(AgentMessage.errorCode(bytes) ?? "?"): \(String(decoding: bytes.prefix(300), as: UTF8.self))")
            }
            return
        }
        guard message.eventName != nil else { return }
        if let seq = message.seq {
            self.report.userEvents += 1
            switch slot.pointee.events.observe(seq) {
            case .next:
                break
            case .gap(let expected, let received):
                self.error(.seqGap, "\(self.users[u].name) tab \(i - self.users[u].firstSlot): expected seq \(expected), got \(received) (\(self.eventName(message, bytes)))")
            case .repeated(let received):
                if message.isEvent(Self.callRinging, in: bytes) {
                    self.error(.ringingResent, "\(self.users[u].name) tab \(i - self.users[u].firstSlot): callRinging seq \(received) again (last \(slot.pointee.events.last))")
                } else {
                    self.error(.seqRepeat, "\(self.users[u].name) tab \(i - self.users[u].firstSlot): seq \(received) after \(slot.pointee.events.last) (\(self.eventName(message, bytes)))")
                }
            }
        }
        if message.isEvent(Self.callRinging, in: bytes) {
            // Every tab acks what it shows (§4 "ack"), repeats included; the first tab to see the
            // user's current call ringing answers it.
            if let seq = message.seq {
                self.report.acksSent += 1
                self.sendRequest(i, { AgentRequest.ack(id: $0, seq: seq) }, now: now)
            }
            if self.users[u].call == .ringing, !self.users[u].answerSent, slot.pointee.fd >= 0, self.isCurrentCall(u, bytes) {
                self.users[u].answerSent = true
                self.users[u].answerSentAt = now
                self.ringingLatency.record(now - self.users[u].callSentAt)
                self.sendRequest(i, { AgentRequest.answer(id: $0) }, now: now)
            }
        } else if message.isEvent(Self.callConnect, in: bytes) {
            if self.users[u].call == .ringing, self.isCurrentCall(u, bytes) {
                if self.users[u].answerSent { self.connectLatency.record(now - self.users[u].answerSentAt) }
                self.moveCall(u, to: .connected)
                self.schedule(.hangup, u, generation: self.users[u].generation, at: now + self.jittered(self.options.talk))
            }
        } else if message.isEvent(Self.callHangup, in: bytes) {
            let call = self.users[u].call
            if call != .idle, self.isCurrentCall(u, bytes) {
                if call == .hangingUp {
                    self.report.callsCompleted += 1
                    self.hangupLatency.record(now - self.users[u].hangupSentAt)
                } else {
                    self.error(.callEndedEarly, "\(self.users[u].name): callHangup while the call was \(call)")
                }
                self.endCall(u, now: now)
            }
        } else if message.isEvent(Self.readyEvent, in: bytes), let lastSeq = AgentMessage.readyLastSeq(bytes) {
            slot.pointee.events.adopt(stateLastSeq: lastSeq)
        }
    }

    private func eventName(_ message: AgentMessage, _ bytes: UnsafeRawBufferPointer) -> String {
        message.eventName.map { String(decoding: bytes[$0], as: UTF8.self) } ?? "?"
    }

    /// Whether a call event is about the user's current call: its `data.call.uniqueid` is the one
    /// the admin API returned, or, before that response, the first one seen (then adopted).
    private func isCurrentCall(_ u: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let id = AgentMessage.value(at: ["data", "call", "uniqueid"], in: bytes).flatMap({ JSONScanner.string($0, in: bytes) }) else {
            return false
        }
        if let known = self.users[u].uniqueID { return known == id }
        self.users[u].uniqueID = id
        return true
    }

    // MARK: - Calls

    func moveCall(_ u: Int, to call: SoakUser.Call) {
        self.users[u].call = call
        self.users[u].generation &+= 1
    }

    /// The call is over: the next one after `--call-interval` × 0.5–1.5, while the load lasts.
    private func endCall(_ u: Int, now: UInt64) {
        self.moveCall(u, to: .idle)
        self.users[u].uniqueID = nil
        self.users[u].hangupDue = false
        if self.phase == .warmup || self.phase == .loaded {
            self.schedule(.callStart, u, generation: self.users[u].generation, at: now + self.jittered(self.options.callInterval))
        }
    }

    func callTimer(_ kind: SoakTimer.Kind, user u: Int, now: UInt64) {
        switch kind {
        case .callStart:
            guard self.users[u].call == .idle, self.phase == .warmup || self.phase == .loaded else { return }
            guard self.users[u].adminPending == 0 else {
                // A request for an earlier call is still out: one call at a time.
                self.schedule(.callStart, u, generation: self.users[u].generation, at: now + self.jittered(self.options.callInterval))
                return
            }
            self.moveCall(u, to: .ringing)
            self.users[u].callSerial &+= 1
            self.users[u].uniqueID = nil
            self.users[u].answerSent = false
            self.users[u].hangupDue = false
            self.report.callsStarted += 1
            // A caller number per user: +420 602 + the user's number.
            let from = "%2B420602\(String(100_000 + u).suffix(6))"
            self.queueAdmin(AdminRequest(user: u, callSerial: self.users[u].callSerial, purpose: .call, target: "/admin/calls?from=\(from)&user=\(HTTPExchange.percentEncoded(self.users[u].name))"))
            self.schedule(.callDeadline, u, generation: self.users[u].generation, at: now + self.timeoutNanoseconds)
        case .hangup:
            guard self.users[u].call == .connected else { return }
            if self.users[u].uniqueID != nil {
                self.hangUp(u, now: now)
            } else {
                self.users[u].hangupDue = true
            }
        case .callDeadline:
            let user = self.users[u]
            let missing = user.call == .ringing ? (user.answerSent ? "callConnect after answer" : "callRinging") : "callHangup after the hangup"
            self.error(.callStepTimeout, "\(user.name): no \(missing) within \(self.options.timeout) s (call \(user.uniqueID ?? "with no uniqueid yet"))")
            if user.call == .ringing, user.uniqueID != nil {
                self.hangUp(u, now: now)
            } else {
                self.endCall(u, now: now)
            }
        default:
            break
        }
    }

    /// The external party hangs up: `POST /admin/calls/ID/hangup`; every tab must then get
    /// `callHangup`.
    func hangUp(_ u: Int, now: UInt64) {
        guard let id = self.users[u].uniqueID else { return }
        self.moveCall(u, to: .hangingUp)
        self.users[u].hangupDue = false
        self.queueAdmin(AdminRequest(user: u, callSerial: self.users[u].callSerial, purpose: .hangup, target: "/admin/calls/\(HTTPExchange.percentEncoded(id))/hangup"))
        self.schedule(.callDeadline, u, generation: self.users[u].generation, at: now + self.timeoutNanoseconds)
    }

    /// The admin API answered the call request with its `uniqueid`. A call given up meanwhile
    /// is hung up at once.
    func callCreated(_ u: Int, callSerial: UInt32, uniqueID: String?, now: UInt64) {
        guard self.users[u].callSerial == callSerial, self.users[u].call != .idle else {
            if let uniqueID {
                self.queueAdmin(AdminRequest(user: u, callSerial: callSerial, purpose: .cleanup, target: "/admin/calls/\(HTTPExchange.percentEncoded(uniqueID))/hangup"))
            }
            return
        }
        if let uniqueID {
            if let known = self.users[u].uniqueID, known != uniqueID {
                self.error(.adminFailed, "\(self.users[u].name): the admin call is \(uniqueID) but the tabs rang for \(known)")
            }
            self.users[u].uniqueID = uniqueID
        }
        if self.users[u].hangupDue { self.hangUp(u, now: now) }
    }

    /// An admin request for the user's current call failed (already counted): the call is given up.
    func callAbandoned(_ u: Int, callSerial: UInt32, now: UInt64) {
        guard self.users[u].callSerial == callSerial, self.users[u].call != .idle else { return }
        self.endCall(u, now: now)
    }
}
